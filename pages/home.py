"""The home page's public part, rendered once and kept in the cache until what it shows changes.

The home page is the most visited page: the 50 member municipalities by region, the next events,
the latest newsletter, the latest news and the content pages. All of that changes rarely, so it
is rendered to HTML once per language and kept in the cache (Redis in production). The key holds
a *fingerprint* of the data, read in one cheap query on every request: counts and the newest
change of the tables the part is made of. Any change to them — through a service, the admin or an
import — gives a new fingerprint, so the next request renders afresh: nothing has to remember to
invalidate, and a change shows at once. What the fingerprint cannot see (an upcoming event passing
its end) bounds the cache entry's lifetime instead.

Each worker keeps the newest parts in memory too, under the same keys.
The cache fails open (vzhg.cache.FailOpenRedisCache): with Redis down each worker renders the
part itself (once per change, then from its memory); the page never fails for it.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from events import selectors as events_selectors
from events.models import Event
from members import selectors as members_selectors
from members.models import Organisation, Region
from newsletters import selectors as newsletters_selectors
from newsletters.models import Newsletter

from . import selectors
from .models import ContentPage, NewsItem

CACHE_PREFIX = "pages:home:v3"  # v3: news items with an image
MAX_SECONDS = 600  # a backstop for what the fingerprint does not see (a region renamed)
EVENTS_SHOWN = 3
NEWS_SHOWN = 3


@dataclass(frozen=True)
class HomePart:
    member_count: int
    region_count: int
    html: str
    valid_until: float = 0.0  # time.time() after which it is rendered again


# Each worker process also keeps the newest parts in memory under the same keys (the fingerprint
# still decides, on every request, whether a part is current): no Redis round trip and no
# unpickling on the hot path. At most LOCAL_MAX entries; the oldest go first.
LOCAL_MAX = 8
_local: dict[str, HomePart] = {}
_local_lock = threading.Lock()


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _fingerprint_sql(vendor: str) -> str:
    """The fingerprint's SQL, built once per process (and database vendor): building it on every
    request cost more than running it (simple_history makes a new manager class per access)."""
    organisation_history = Organisation.history.model
    placeholders = ", ".join(["%s"] * len(Newsletter.PUBLISHED_STATUSES))
    return "SELECT " + ", ".join(
        [
            f"(SELECT COUNT(*) FROM {_table(Region)})",
            f"(SELECT MAX(id) FROM {_table(Region)})",
            f"(SELECT COUNT(*) FROM {_table(Organisation)})",
            f"(SELECT MAX(history_id) FROM {_table(organisation_history)})",
            f"(SELECT COUNT(*) FROM {_table(Event)})",
            f"(SELECT MAX(updated_at) FROM {_table(Event)})",
            f"(SELECT COUNT(*) FROM {_table(Newsletter)} WHERE status IN ({placeholders}))",
            f"(SELECT MAX(id) FROM {_table(Newsletter)} WHERE status IN ({placeholders}))",
            f"(SELECT COUNT(*) FROM {_table(ContentPage)})",
            f"(SELECT MAX(updated_at) FROM {_table(ContentPage)})",
            f"(SELECT COUNT(*) FROM {_table(NewsItem)})",
            f"(SELECT MAX(updated_at) FROM {_table(NewsItem)})",
        ]
    )


def home_fingerprint() -> str:
    """One query: counts and the newest change of every table the home page's part is built from."""
    published = list(Newsletter.PUBLISHED_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(connection.vendor), published + published)
        row = cursor.fetchone()
    return hashlib.sha1(repr(row).encode(), usedforsecurity=False).hexdigest()


def _seconds_valid(events: list[Event], now: datetime.datetime) -> int:
    """Until the first shown event ends (then it leaves the list), at most MAX_SECONDS."""
    seconds = MAX_SECONDS
    for event in events:
        seconds = min(seconds, int((event.ends_at - now).total_seconds()) + 1)
    return max(seconds, 1)


def home_part_render(*, language: str, now: datetime.datetime | None = None) -> tuple[HomePart, int]:
    """The public part of the home page, rendered; and how many seconds it stays right."""
    now = now or timezone.now()
    regions = list(members_selectors.regions_with_members())
    events = list(
        events_selectors.upcoming_events(now=now).filter(status=Event.Status.PUBLISHED)[:EVENTS_SHOWN]
    )
    newsletter = newsletters_selectors.newsletters_published().order_by("-date", "-pk").first()
    news = [
        (item, item.title_in(language), item.language_of(language))
        for item in selectors.news_published()[:NEWS_SHOWN]
    ]
    pages = [(page, page.title_in(language)) for page in selectors.content_pages_in_footer()]
    html = render_to_string(
        "pages/_home_part.html",
        {
            "regions": regions,
            "events": events,
            "newsletter": newsletter,
            "news": news,
            "content_pages": pages,
            "language": language,
        },
    )
    part = HomePart(
        member_count=sum(len(region.members) for region in regions), region_count=len(regions), html=html
    )
    return part, _seconds_valid(events, now)


def home_part(*, language: str) -> HomePart:
    """The cached part when the data has not changed since it was rendered, else a fresh one."""
    key = f"{CACHE_PREFIX}:{language}:{home_fingerprint()}"
    now = time.time()
    part = _local.get(key)
    if part is not None and part.valid_until > now:
        return part
    part = cache.get(key)
    if not isinstance(part, HomePart) or part.valid_until <= now:
        part, seconds = home_part_render(language=language)
        part = HomePart(part.member_count, part.region_count, part.html, valid_until=now + seconds)
        cache.set(key, part, seconds)
    with _local_lock:
        _local[key] = part
        while len(_local) > LOCAL_MAX:
            _local.pop(next(iter(_local)))
    return part


# The whole page as an anonymous visitor sees it, per worker: rendering base.html (menu, footer,
# language form) cost more than everything else on the request. What differs between two
# visitors on "/" without a query string and without messages is only the CSRF token of the
# language form: the page is rendered once with CSRF_HOLE in its place, and each request puts its
# own token there (get_token also sets the visitor's CSRF cookie, as {% csrf_token %} does).
# A page belongs to one part object (`is`): a new fingerprint or an expired part gives a new part,
# so the page is rendered afresh exactly when the part is.
CSRF_HOLE = "csrfhole" + secrets.token_hex(16)  # letters and digits: HTML escaping leaves it alone
_pages: dict[tuple[str, str], tuple[HomePart, str]] = {}


def home_page_for_visitor(
    request: HttpRequest, *, part: HomePart, template: str, context: dict[str, Any]
) -> str:
    """The home page for an anonymous visitor (the caller checks: not logged in, no query string,
    no messages), from this worker's memory when its part is the current one."""
    language = get_language() or ""
    page_key = (language, request.get_full_path())
    kept = _pages.get(page_key)
    if kept is not None and kept[0] is part:
        html = kept[1]
    else:
        html = render_to_string(template, {**context, "csrf_token": CSRF_HOLE}, request=request)
        with _local_lock:
            _pages[page_key] = (part, html)
            while len(_pages) > LOCAL_MAX:
                _pages.pop(next(iter(_pages)))
    return html.replace(CSRF_HOLE, get_token(request))


def home_local_clear() -> None:
    """Forget the in-process copies (tests; the shared cache is cleared with cache.clear())."""
    with _local_lock:
        _local.clear()
        _pages.clear()
