"""The home page: what it shows (next events, latest newsletter, news, members by region), that
its public part is cached, that any change shows at once, and that a Redis outage is no error."""

import datetime
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from newsletters.models import Newsletter
from pages import home
from tests.events.conftest import make_event
from tests.factories import MemberFactory, MunicipalityFactory, RegionFactory
from tests.newsletters.conftest import NewsletterFactory
from tests.pages.conftest import make_news, make_page

pytestmark = pytest.mark.django_db


def test_home_shows_next_events_latest_newsletter_and_news(client):
    make_event(title="Najaarscongres 2026")
    make_event(title="Nog in concept", status=Event.Status.DRAFT)
    make_event(
        title="Al geweest",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3),
    )
    NewsletterFactory(
        title="Nieuwsbrief oktober", status=Newsletter.Status.SENT, date=datetime.date(2026, 10, 1)
    )
    NewsletterFactory(
        title="Nieuwsbrief november", status=Newsletter.Status.SENT, date=datetime.date(2026, 11, 1)
    )
    NewsletterFactory(title="Nieuwsbrief concept", status=Newsletter.Status.CONCEPT)
    make_news(title_nl="Nieuw bestuur gekozen")
    make_news(title_nl="Verborgen bericht", published=False)

    page = client.get("/").content.decode()

    assert "Najaarscongres 2026" in page
    assert "Nog in concept" not in page and "Al geweest" not in page
    assert "Nieuwsbrief november" in page
    assert "Nieuwsbrief oktober" not in page and "Nieuwsbrief concept" not in page
    assert 'href="/nieuwsbrief/"' in page  # the public archive
    assert "Nieuw bestuur gekozen" in page and "Verborgen bericht" not in page
    assert 'href="/pagina/over-de-vereniging/"' in page


def test_the_public_part_is_served_from_the_cache(client, django_assert_num_queries):
    region = RegionFactory(name="Haaglanden")
    MunicipalityFactory(name="Delft", region=region)
    client.get("/")

    with django_assert_num_queries(1):  # the fingerprint only
        page = client.get("/").content.decode()
    assert "Delft" in page


def _warm(client) -> str:
    client.get("/")
    return client.get("/").content.decode()


def test_a_new_member_municipality_shows_at_once(client):
    region = RegionFactory(name="Haaglanden")
    MunicipalityFactory(name="Delft", region=region)
    assert "Rijswijk" not in _warm(client)

    MunicipalityFactory(name="Rijswijk", region=region)

    assert "Rijswijk" in client.get("/").content.decode()


def test_a_municipality_leaving_shows_at_once(client):
    region = RegionFactory(name="Haaglanden")
    delft = MunicipalityFactory(name="Delft", region=region)
    MunicipalityFactory(name="Rijswijk", region=region)
    assert "Delft" in _warm(client)

    delft.member_until = datetime.date(2026, 1, 1)
    delft.save()

    assert "Delft" not in client.get("/").content.decode()


def test_a_municipality_moving_region_shows_at_once(client):
    haaglanden = RegionFactory(name="Haaglanden")
    midden = RegionFactory(name="Hollands Midden")
    MunicipalityFactory(name="Gouda", region=midden)
    delft = MunicipalityFactory(name="Delft", region=haaglanden)
    assert "Haaglanden" in _warm(client)

    delft.region = midden
    delft.save()

    assert "Haaglanden" not in client.get("/").content.decode()


def test_an_event_published_or_changed_shows_at_once(client):
    event = make_event(title="Klankbord wonen", status=Event.Status.DRAFT)
    assert "Klankbord wonen" not in _warm(client)

    event.status = Event.Status.PUBLISHED
    event.save()
    assert "Klankbord wonen" in client.get("/").content.decode()

    event.title = "Klankbord wonen en ruimte"
    event.save()
    assert "Klankbord wonen en ruimte" in client.get("/").content.decode()


def test_an_edition_sent_shows_at_once(client):
    edition = NewsletterFactory(title="Nieuwsbrief december")
    assert "Nieuwsbrief december" not in _warm(client)

    # as the sending batches do: a queryset update, no save()
    Newsletter.objects.filter(pk=edition.pk).update(status=Newsletter.Status.SENT)

    assert "Nieuwsbrief december" in client.get("/").content.decode()


def test_news_and_content_pages_saved_show_at_once(client):
    item = make_news(title_nl="Eerste bericht")
    page = make_page(slug="werkwijze", title_nl="Werkwijze")
    assert "Eerste bericht" in _warm(client)

    item.title_nl = "Eerste bericht, bijgewerkt"
    item.save()
    page.title_nl = "Onze werkwijze"
    page.save()

    html = client.get("/").content.decode()
    assert "Eerste bericht, bijgewerkt" in html
    assert "Onze werkwijze" in html


def test_an_event_that_ends_leaves_the_list_when_it_ends():
    now = timezone.now()
    event = make_event(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(minutes=5))

    _part, seconds = home.home_part_render(language="nl", now=now)

    assert event.title in _part.html
    assert 295 <= seconds <= 301  # the cache entry lasts until the event ends, not the full 600 s


def test_each_language_has_its_own_cached_part(client, settings):
    make_news(title_nl="Nieuw bestuur", title_en="New board", body_en="Elected.")

    dutch = client.get("/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/").content.decode()

    assert "Nieuw bestuur" in dutch and "New board" not in dutch
    assert "New board" in english and "Next events" in english


REDIS_DOWN = {
    "default": {
        "BACKEND": "vzhg.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_a_redis_outage_renders_the_page_instead_of_failing(client):
    MunicipalityFactory(name="Delft", region=RegionFactory(name="Haaglanden"))
    with override_settings(CACHES=REDIS_DOWN):
        cache.clear()  # fails open too
        first = client.get("/")
        second = client.get("/")

    assert first.status_code == second.status_code == 200
    assert "Delft" in second.content.decode()


def _templates_rendered(client, path: str) -> tuple[list[str], str]:
    names: list[str] = []

    def collect(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(collect)
    try:
        page = client.get(path).content.decode()
    finally:
        template_rendered.disconnect(collect)
    return names, page


def _csrf_token_in(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_an_anonymous_visitors_page_is_rendered_once_and_changes_at_once(client):
    MunicipalityFactory(name="Delft", region=RegionFactory(name="Haaglanden"))
    first, _page = _templates_rendered(client, "/")
    assert "home.html" in first

    again, page = _templates_rendered(client, "/")
    assert again == []  # the whole page from this worker's memory (pages.home)
    assert "Delft" in page and home.CSRF_HOLE not in page

    make_news(title_nl="Nieuw bestuur gekozen")
    changed, page = _templates_rendered(client, "/")
    assert "home.html" in changed and "Nieuw bestuur gekozen" in page


def test_each_visitor_gets_their_own_working_csrf_token():
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get("/").content.decode() for visitor in visitors * 2]
    tokens = [_csrf_token_in(page) for page in pages]
    assert len(set(tokens)) == 4  # masked per request, never the cached page's

    for visitor, token in zip(visitors, tokens[2:], strict=True):
        response = visitor.post(
            "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302  # the language form works with the served token


def test_logged_in_and_messages_and_query_strings_are_rendered_per_request(client):
    client.get("/")  # the visitor's page is kept ...
    rendered, page = _templates_rendered(client, "/?utm_source=nieuwsbrief")
    assert "home.html" in rendered and 'value="/?utm_source=nieuwsbrief"' in page

    member = MemberFactory()
    client.force_login(member.user)
    rendered, page = _templates_rendered(client, "/")
    assert "home.html" in rendered and member.email in page

    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert 'class="messages"' in response.content.decode()  # "You have signed out" is shown
