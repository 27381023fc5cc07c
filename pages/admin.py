from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ContentPage, NewsItem

TEXTS = (
    (_("Dutch"), {"fields": ("title_nl", "body_nl")}),
    (_("English"), {"fields": ("title_en", "body_en")}),
)


@admin.register(ContentPage)
class ContentPageAdmin(admin.ModelAdmin):
    list_display = ("title_nl", "slug", "published", "in_footer", "order", "updated_at")
    list_filter = ("published", "in_footer")
    search_fields = ("title_nl", "title_en", "slug")
    fieldsets = ((None, {"fields": ("slug", "published", "in_footer", "order")}), *TEXTS)


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ("title_nl", "published_on", "published", "updated_at")
    list_filter = ("published",)
    search_fields = ("title_nl", "title_en")
    date_hierarchy = "published_on"
    fieldsets = ((None, {"fields": ("published_on", "published")}), *TEXTS)
