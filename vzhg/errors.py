"""The one error type for a refusal a user is shown.

A service that declines a request (a full event, a closed registration, a document of the
wrong type) raises `ServiceError` with a message meant for the person in front of the screen
and a short machine code tests and views can branch on. Views catch `ServiceError` only, so
a programming error (ValueError, KeyError) still surfaces as one instead of being shown as a
polite refusal.
"""

from __future__ import annotations

from django.utils.functional import Promise


class ServiceError(Exception):
    """A refusal with a user-facing `message` (translated) and a stable `code`."""

    def __init__(self, message: str | Promise, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
