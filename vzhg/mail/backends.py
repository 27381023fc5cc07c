"""Local development mail: one .eml file per message, and its text echoed to the console."""

import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class LocalMailBackend(BaseEmailBackend):
    """Writes every message as a complete .eml file (RFC 5322, as a relay would receive it) to
    EMAIL_FILE_PATH, one file per message, which any mail program opens; and prints its text part,
    so a login code can be read straight from the terminal that runs the app."""

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        file_path = file_path or getattr(settings, "EMAIL_FILE_PATH", None)
        if not file_path:
            raise ImproperlyConfigured("LocalMailBackend needs EMAIL_FILE_PATH (see vzhg/settings/local.py).")
        self.file_path = Path(file_path)

    def send_messages(self, email_messages):
        self.file_path.mkdir(parents=True, exist_ok=True)
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            path = self.file_path / name
            path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            count += 1
            sys.stdout.write(
                "\n" + "-" * 72 + f"\nMail to {', '.join(message.to)}: {message.subject}\n"
                f"{message.body}\n(kept as {path})\n" + "-" * 72 + "\n"
            )
        sys.stdout.flush()
        return count
