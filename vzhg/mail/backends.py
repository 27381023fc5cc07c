"""Local development mail: kept as .eml files and echoed to the console."""

import sys

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class LocalMailBackend(FileBackend):
    """Writes every message to EMAIL_FILE_PATH and prints its text part, so a login code can be
    read straight from the terminal that runs the app."""

    def send_messages(self, email_messages):
        count = super().send_messages(email_messages)
        for message in email_messages:
            sys.stdout.write(
                "\n" + "-" * 72 + f"\nMail to {', '.join(message.to)}: {message.subject}\n"
                f"{message.body}\n(kept in {self.file_path})\n" + "-" * 72 + "\n"
            )
        sys.stdout.flush()
        return count
