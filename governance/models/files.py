"""Where uploaded and generated files are stored: a private folder, random names.

Files live under MEDIA_ROOT and are only ever served by views that check who asks; MEDIA_URL is not
served at all. The migrations refer to these functions as governance.models.<name>.
"""

import uuid


def _private_path(prefix: str, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/governance/{prefix}/{uuid.uuid4().hex}.{suffix}"


def document_upload_to(instance, filename: str) -> str:
    return _private_path("documents", filename)


def pack_upload_to(instance, filename: str) -> str:
    return _private_path("packs", filename)


def report_upload_to(instance, filename: str) -> str:
    return _private_path("reports", filename)
