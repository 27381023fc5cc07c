"""What remains of a past event: presentations (files) and recording links («Kijk hier het
webinar terug»), shown on the event's page and in the archive of past events.

Files are checked by content before they are stored (vzhg.uploads): a PDF, or a real PowerPoint,
Word or Excel file whose ZIP directory is sane (no decompression bombs); and served by a view
(events.views.material), never from a public media URL.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MATERIAL_MAX_BYTES = 30 * 1024 * 1024
# The main part of each Office file we take, named in its [Content_Types].xml.
OFFICE_CONTENT_TYPES = {
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def material_kind(upload) -> str:
    """ "pdf", "pptx", "docx" or "xlsx", judged by the content, never by the name; else
    ValidationError. Office files are judged on their ZIP directory before anything is unpacked."""
    from vzhg.uploads import ZIP_READ_ERRORS, zip_check, zip_read_part

    if upload.size > MATERIAL_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; at most 30 MB is allowed."),
            code="material_too_large",
            params={"size": f"{upload.size / 1024 / 1024:.1f}"},
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        # A bomb or a damaged archive is refused here, with its own message.
        archive = zip_check(upload, name=getattr(upload, "name", "") or "")
        try:
            content_types = zip_read_part(archive, "[Content_Types].xml")
        except ZIP_READ_ERRORS:
            content_types = b""
        finally:
            archive.close()
            upload.seek(0)
        for kind, main_content_type in OFFICE_CONTENT_TYPES.items():
            if main_content_type in content_types:
                return kind
    raise ValidationError(
        _("Upload a PDF, PowerPoint (.pptx), Word (.docx) or Excel (.xlsx) file."), code="material_wrong_type"
    )


def validate_material(upload) -> None:
    material_kind(upload)


class EventMaterial(models.Model):
    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Empty for a recording: «Kijk hier het webinar terug»."),
    )
    file = models.FileField(
        _("file"),
        upload_to="events/materials/",
        max_length=300,
        blank=True,
        validators=[validate_material],
        help_text=_("A presentation or document: PDF, PowerPoint, Word or Excel, at most 30 MB."),
    )
    url = models.URLField(_("recording link"), max_length=500, blank=True)
    login_required = models.BooleanField(
        _("only for logged-in people"),
        default=False,
        help_text=_("Otherwise anyone who opens the event's page sees it, as the page itself."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url="")) | (~models.Q(file="") & models.Q(url="")),
                name="eventmaterial_file_or_link",
                violation_error_message=_("Give either a file or a recording link."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.file.name

    def get_absolute_url(self) -> str:
        if self.url:
            return self.url
        return reverse("events:material", kwargs={"slug": self.event.slug, "pk": self.pk})

    @property
    def is_recording(self) -> bool:
        return bool(self.url)
