"""Absolute addresses on the site's own URL (`settings.SITE_URL`), for mail, feeds and PDFs.

Anything that leaves the request (a mail, an .ics file, a PDF, a Message-ID) cannot ask the
request for its host, so it asks here.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    """The site's base URL without a trailing slash, e.g. "https://leden.vzhg.nl"."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """`path` (as from `reverse()` or `get_absolute_url()`) on the site's own URL."""
    return site_url() + path


def site_host() -> str:
    """The site's host name, e.g. "leden.vzhg.nl" (for Message-IDs and calendar UIDs)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
