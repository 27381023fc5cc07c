"""Checks every upload goes through before anything unpacks or decodes it.

A small file can be a "decompression bomb": a 200 KB Word file whose parts inflate to 200 MB, a
PNG of 20000 × 20000 pixels that takes gigabytes to decode. Office files (.docx, .xlsx) are ZIP
archives: their central directory states each part's size, so they are judged on it before a
single part is inflated (and Python's zipfile never inflates a part beyond its stated size).
Images are judged on the pixel count in their header, then decoded, stripped of metadata and
re-encoded at a bounded size.

Used by governance documents, newsletter images and the person import.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# ZIP-based office files: at most this much unpacked in all, this many parts, and no part larger
# than 1 MB unpacked that is more than ZIP_MAX_RATIO times its packed size (real documents stay
# far below: text XML packs about 10:1, pictures hardly at all).
ZIP_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_RATIO = 100
_ZIP_RATIO_FROM_BYTES = 1024 * 1024

# Images: at most 25 megapixels (a 6000 × 4000 camera photo fits), re-encoded no larger than
# IMAGE_MAX_SIDE pixels on the long side; Pillow itself refuses anything over twice its limit.
IMAGE_MAX_PIXELS = 25_000_000
IMAGE_MAX_SIDE = 2000
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def _pillow():
    from PIL import Image

    # Pillow's own guard (a DecompressionBombError at twice this) as a second line behind the
    # explicit check below.
    Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
    return Image


# --- ZIP-based office files ------------------------------------------------------------------


def zip_check(fileobj, *, name: str, max_unpacked: int = ZIP_MAX_UNPACKED_BYTES) -> zipfile.ZipFile:
    """Judge a ZIP archive on its central directory alone: at most `max_unpacked` bytes in all,
    ZIP_MAX_ENTRIES parts, no part packed more than ZIP_MAX_RATIO:1. Returns the open ZipFile
    (the caller closes it) or raises ValidationError with a message for the uploader."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(_("%(name)s is damaged or not an Office file.") % {"name": name}) from error
    entries = archive.infolist()
    unpacked = sum(entry.file_size for entry in entries)
    too_packed = [
        entry.filename
        for entry in entries
        if entry.file_size > _ZIP_RATIO_FROM_BYTES
        and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
    ]
    if len(entries) > ZIP_MAX_ENTRIES or unpacked > max_unpacked or too_packed:
        archive.close()
        logger.warning(
            "Refused upload %s: %d parts, %d bytes unpacked, over-compressed parts %s",
            name, len(entries), unpacked, too_packed[:5],
        )  # fmt: skip
        raise ValidationError(
            _(
                "%(name)s unpacks to far more data than a normal document (%(size)d MB); it is refused "
                "as a safety measure. Save it again from Word or Excel, or remove large embedded content."
            )
            % {"name": name, "size": unpacked // (1024 * 1024)}
        )
    return archive


# What reading a part of a damaged or hostile archive raises: a missing part (KeyError), a broken
# archive or stream (BadZipFile, OSError, EOFError), or a compression method zipfile does not
# support (zipfile raises NotImplementedError for it).
ZIP_READ_ERRORS = (KeyError, zipfile.BadZipFile, OSError, NotImplementedError, EOFError)


def zip_read_part(archive: zipfile.ZipFile, part: str, *, limit: int = 1024 * 1024) -> bytes:
    """One part of a checked archive, at most `limit` bytes of it."""
    with archive.open(part) as handle:
        return handle.read(limit)


def office_file_check(
    fileobj,
    *,
    name: str,
    main_content_type: bytes,
    max_unpacked: int = ZIP_MAX_UNPACKED_BYTES,
    kind: str = "",
) -> None:
    """A real .docx or .xlsx: a sane ZIP whose [Content_Types].xml names `main_content_type`.
    `kind` ("Word", "Excel") names the expected file in the message when the caller knows it."""
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    ok = False
    if head == b"PK\x03\x04":
        archive = zip_check(fileobj, name=name, max_unpacked=max_unpacked)
        try:
            ok = main_content_type in zip_read_part(archive, "[Content_Types].xml")
        except ZIP_READ_ERRORS:
            ok = False
        finally:
            archive.close()
            fileobj.seek(0)
    if not ok:
        if kind:
            raise ValidationError(
                _("%(name)s is not a real %(kind)s file, whatever its name says.")
                % {"name": name, "kind": kind}
            )
        raise ValidationError(
            _("%(name)s is not a real Word or Excel file, whatever its name says.") % {"name": name}
        )


# --- images ----------------------------------------------------------------------------------


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = IMAGE_MAX_PIXELS // 1_000_000
    if width and height:
        message = _(
            "The image is %(width)d × %(height)d pixels; at most %(limit)d megapixels is allowed. "
            "Make it smaller and upload it again."
        ) % {"width": width, "height": height, "limit": limit}
    else:
        message = _(
            "The image has far too many pixels; at most %(limit)d megapixels is allowed. "
            "Make it smaller and upload it again."
        ) % {"limit": limit}
    return ValidationError(message, code="image_too_many_pixels")


def image_check(upload) -> str:
    """PNG, JPEG or WebP by content, and not more than IMAGE_MAX_PIXELS: judged on the header,
    nothing decoded. Returns Pillow's format name or raises ValidationError."""
    Image = _pillow()
    from PIL import UnidentifiedImageError

    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Over the limit is refused just below, with the image's size in the message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format, (width, height) = image.format, image.size
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        image_format, width, height = None, 0, 0
    finally:
        upload.seek(position)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("This file is not a PNG, JPEG or WebP image."), code="image_wrong_type")
    if width * height > IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)
    return image_format


def image_reencode(upload, *, max_side: int = IMAGE_MAX_SIDE) -> SimpleUploadedFile:
    """The checked image decoded and saved again in its own format: turned upright, no EXIF or
    text metadata (location, camera, author), at most `max_side` pixels on the long side. A file
    that passes the header check but does not decode is refused with the same message as any
    other non-image."""
    image_format = image_check(upload)
    Image = _pillow()
    from PIL import ImageOps

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as original:
                original.load()
                image = ImageOps.exif_transpose(original)
        image.thumbnail((max_side, max_side))
        # Only what the picture needs to look right; comments, EXIF, XMP and text chunks go.
        image.info = {key: image.info[key] for key in ("transparency", "icc_profile") if key in image.info}
        options: dict = {}
        if image_format == "JPEG":
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            options = {"quality": 85, "optimize": True}
        elif image_format == "WEBP":
            options = {"quality": 85}
        else:
            options = {"optimize": True}
        output = io.BytesIO()
        image.save(output, format=image_format, **options)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not a PNG, JPEG or WebP image."), code="image_wrong_type"
        ) from error
    finally:
        upload.seek(0)
    name = Path(getattr(upload, "name", "") or "image").name
    return SimpleUploadedFile(name, output.getvalue(), content_type=IMAGE_FORMATS[image_format])


# The image types the site serves (newsletter items, news items), by their first bytes.
IMAGE_SIGNATURES = [(b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg")]


def image_response(field_file, *, cache_control: str):
    """A stored image as a download of its own type, judged by its content (PNG, JPEG, WebP);
    404 when the file is gone or is no such image. Used by every view that serves an upload
    image after it checked who may see it."""
    from django.http import FileResponse, Http404

    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    head = handle.read(16)
    handle.seek(0)
    content_type = next((kind for signature, kind in IMAGE_SIGNATURES if head.startswith(signature)), None)
    if content_type is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        content_type = "image/webp"
    if content_type is None:
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response
