"""Attachments of outbox rows. Small ones (an .ics, a generated PDF) are kept in the row itself;
a file that already lives in storage (a message's attachment, sent to hundreds of people) is kept
once and named by its storage path in every row, so a 10 MB attachment to 300 recipients is not
3 GB of database rows."""

import base64
from dataclasses import dataclass

from django.core.files.storage import default_storage


@dataclass(frozen=True)
class StoredAttachment:
    """A file in the default storage, attached by reference."""

    filename: str
    path: str
    mimetype: str


def attachments_for_row(attachments) -> list[dict]:
    """What an outbox row stores of each attachment: (name, bytes, mimetype) inline as base64, a
    StoredAttachment as its storage path."""
    rows = []
    for attachment in attachments or []:
        if isinstance(attachment, StoredAttachment):
            rows.append(
                {"filename": attachment.filename, "mimetype": attachment.mimetype, "path": attachment.path}
            )
        else:
            name, content, mimetype = attachment
            rows.append(
                {"filename": name, "mimetype": mimetype, "content": base64.b64encode(content).decode()}
            )
    return rows


def attachment_content(row: dict) -> bytes:
    """The bytes of a stored attachment row (OSError when a referenced file is gone)."""
    if "path" in row:
        with default_storage.open(row["path"], "rb") as handle:
            return handle.read()
    return base64.b64decode(row["content"])
