"""The public site: content pages (over de vereniging, statuten, contact, privacy) and news items.

Texts are kept in Dutch and English; a page shows the language of the interface and falls back to
Dutch where the English text is empty. Bodies are Markdown, sanitised by vzhg.markdown.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.markdown import markdown_to_html

MARKDOWN_HELP = _("Markdown. Scripts and unknown HTML are removed.")
NEWS_IMAGE_MAX_BYTES = 2 * 1024 * 1024


def validate_news_image(upload) -> None:
    """At most NEWS_IMAGE_MAX_BYTES, and a PNG, JPEG or WebP by its content with at most
    vzhg.uploads.IMAGE_MAX_PIXELS pixels (judged on the header; the admin form then decodes and
    re-encodes it without metadata, vzhg.uploads.image_reencode)."""
    from vzhg.uploads import image_check

    if upload.size > NEWS_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; at most 2 MB is allowed."),
            code="image_too_large",
            params={"size": f"{upload.size / 1024 / 1024:.1f}"},
        )
    image_check(upload)


ENGLISH_HELP = _("Empty: the Dutch text is shown.")


class Bilingual(models.Model):
    """Title and body in Dutch and English, the English falling back to the Dutch."""

    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, help_text=ENGLISH_HELP)
    body_nl = models.TextField(_("text (Dutch)"), blank=True, help_text=MARKDOWN_HELP)
    body_en = models.TextField(_("text (English)"), blank=True, help_text=ENGLISH_HELP)

    class Meta:
        abstract = True

    def title_in(self, language: str) -> str:
        if language == "en" and self.title_en:
            return self.title_en
        return self.title_nl

    def body_html_in(self, language: str) -> str:
        """The sanitised HTML of the body in `language` (Dutch when the English is empty)."""
        if language == "en" and self.body_en.strip():
            return markdown_to_html(self.body_en)
        return markdown_to_html(self.body_nl)

    def language_of(self, language: str) -> str:
        """The language the texts are shown in (for the lang attribute)."""
        return "en" if language == "en" and self.title_en and self.body_en.strip() else "nl"


class ContentPage(Bilingual):
    slug = models.SlugField(_("web address"), max_length=100, unique=True)
    published = models.BooleanField(_("published"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    in_footer = models.BooleanField(_("in the footer"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")
        ordering = ["order", "title_nl"]

    def __str__(self) -> str:
        return self.title_nl

    def get_absolute_url(self) -> str:
        return reverse("pages:page", kwargs={"slug": self.slug})


class NewsItem(Bilingual):
    published_on = models.DateField(_("date"), default=timezone.localdate)
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Served by pages.views.news_image (published items only), never from a media URL; its file
    # goes with the item (pages.signals).
    image = models.ImageField(
        _("image"),
        upload_to="pages/news/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=[validate_news_image],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    image_width = models.PositiveIntegerField(_("image width"), null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(_("image height"), null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description"),
        max_length=200,
        blank=True,
        help_text=_("Required with an image: what it shows, for readers who cannot see it."),
    )

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["published", "published_on"], name="newsitem_published_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(image="") | ~models.Q(image_alt=""),
                name="newsitem_image_has_alt",
                violation_error_message=_("Describe the image for readers who cannot see it."),
            ),
        ]

    def __str__(self) -> str:
        return self.title_nl

    def get_absolute_url(self) -> str:
        return reverse("pages:news_item", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for readers who cannot see it.")})

    @property
    def image_url(self) -> str:
        """The image's address, changing with every edit (so a cached copy is never stale)."""
        if not self.image:
            return ""
        version = int(self.updated_at.timestamp()) if self.updated_at else 0
        return f"{reverse('pages:news_image', kwargs={'pk': self.pk})}?v={version}"
