from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from vzhg.uploads import image_reencode

from .models import ContentPage, NewsItem, validate_news_image

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


class NewsImageField(forms.ImageField):
    """Size, type and pixel count are judged on the header before Pillow looks any further."""

    def to_python(self, data):
        if isinstance(data, UploadedFile):
            validate_news_image(data)
        return super().to_python(data)


class NewsItemForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = (
            "published_on",
            "published",
            "title_nl",
            "body_nl",
            "title_en",
            "body_en",
            "image",
            "image_alt",
        )
        field_classes = {"image": NewsImageField}

    def clean_image(self):
        """Checked (NewsImageField), then decoded and saved again without its metadata."""
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            image = image_reencode(image)
        return image


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    form = NewsItemForm
    list_display = ("title_nl", "published_on", "published", "updated_at")
    list_filter = ("published",)
    search_fields = ("title_nl", "title_en")
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("published_on", "published")}),
        *TEXTS,
        (_("Image"), {"fields": ("image", "image_alt")}),
    )
