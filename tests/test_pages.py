"""Public pages: the home page, the member list, the error pages, and what they cost in queries."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from members.models import Organisation
from tests.factories import (
    MemberFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    RegionFactory,
)
from vzhg.mail.services import mail_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def province():
    """Two regions with members, one nested, and organisations that must not show as members."""
    haaglanden = RegionFactory(name="Haaglanden")
    midden = RegionFactory(name="Hollands Midden")
    rijnland = RegionFactory(name="Holland Rijnland", parent=midden)
    empty = RegionFactory(name="Lege Regio")
    MunicipalityFactory(name="Delft", region=haaglanden, cbs_code="GM0503", inhabitants=108_000, in_mrdh=True)
    MunicipalityFactory(name="Rijswijk", region=haaglanden, cbs_code="GM0603")
    MunicipalityFactory(name="Leiden", region=rijnland, cbs_code="GM0546")
    MunicipalityFactory(name="Gouda", region=midden, cbs_code="GM0513")
    # Not members: a partner, a former member, a municipality that never joined.
    OrganisationFactory(name="Zuid-Holland Academie", kind=Organisation.Kind.PARTNER, region=haaglanden)
    MunicipalityFactory(
        name="Oudgemeente",
        region=haaglanden,
        cbs_code="GM9001",
        member_since=datetime.date(1990, 1, 1),
        member_until=datetime.date(2018, 12, 31),
    )
    MunicipalityFactory(name="Nooitlid", region=empty, cbs_code="GM9002", member_since=None)
    return {"haaglanden": haaglanden, "midden": midden, "rijnland": rijnland}


class _RegionSections(HTMLParser):
    """Collects the text of every <section aria-labelledby="region-…">, keyed by its heading."""

    def __init__(self):
        super().__init__()
        self.stack: list[str | None] = []  # per open <section>: its label id if a region, else None
        self.texts: dict[str, list[str]] = {}
        self.headings: dict[str, str] = {}
        self.heading_for: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            label = attrs.get("aria-labelledby") or ""
            self.stack.append(label if label.startswith("region-") else None)
            if label.startswith("region-"):
                self.texts[label] = []
        if attrs.get("id") in self.texts:
            self.heading_for = attrs["id"]

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.heading_for and data.strip():
            self.headings[self.heading_for] = data.strip()
            self.heading_for = None
        for label in self.stack:
            if label:
                self.texts[label].append(data)


def region_sections(page: str) -> dict[str, str]:
    """Heading of each region section of the page → the section's text, in page order."""
    parser = _RegionSections()
    parser.feed(page)
    return {parser.headings[label]: " ".join(parser.texts[label]) for label in parser.texts}


NON_MEMBERS = ["Zuid-Holland Academie", "Oudgemeente", "Nooitlid", "Lege Regio"]


def test_member_list_groups_member_municipalities_by_region(client, province):
    response = client.get("/leden/")

    assert response.status_code == 200
    page = response.content.decode()
    sections = region_sections(page)
    assert list(sections) == ["Haaglanden", "Holland Rijnland", "Hollands Midden"]
    assert "Delft" in sections["Haaglanden"] and "Rijswijk" in sections["Haaglanden"]
    assert "Leiden" in sections["Holland Rijnland"] and "Leiden" not in sections["Haaglanden"]
    assert "Gouda" in sections["Hollands Midden"]
    assert "Hollands Midden" in sections["Holland Rijnland"]  # the region it lies in
    assert "GM0503" in sections["Haaglanden"]
    assert "108,000" in sections["Haaglanden"] or "108.000" in sections["Haaglanden"]
    assert page.index("Delft") < page.index("Rijswijk")
    for name in NON_MEMBERS:
        assert name not in page


def test_home_lists_members_by_region_and_counts_them(client, province):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "connects the 4 member municipalities" in page
    sections = region_sections(page)
    assert list(sections) == ["Haaglanden", "Holland Rijnland", "Hollands Midden"]
    assert "Delft" in sections["Haaglanden"] and "Rijswijk" in sections["Haaglanden"]
    assert "Leiden" in sections["Holland Rijnland"] and "Leiden" not in sections["Haaglanden"]
    assert "Gouda" in sections["Hollands Midden"]
    for name in NON_MEMBERS:
        assert name not in page
    assert 'href="/account/login/"' in page
    assert 'href="/account/signup/"' in page


def test_home_for_a_logged_in_member_links_to_the_profile(client, province):
    client.force_login(MemberFactory().user)

    page = client.get("/").content.decode()

    assert "Go to my profile" in page
    assert 'href="/account/signup/"' not in page


def test_home_without_members_says_so(client):
    page = client.get("/").content.decode()

    assert "No member municipalities have been registered yet." in page


def test_page_not_found_uses_the_house_template(client, settings):
    settings.DEBUG = False

    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    page = response.content.decode()
    assert re.search(r"<h1>\s*Page not found\s*</h1>", page)
    assert "Association of South Holland Municipalities" in page  # the site header
    assert 'href="#main"' in page  # the skip link of base.html
    assert 'href="/"' in page  # a way back home
    assert "Traceback" not in page and "Django" not in page


def test_error_pages_are_dutch_by_default(client):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)

    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert '<html lang="nl">' in response.content.decode()


# --- query counts (STYLE 14): the same number of queries at 5 and at 50 rows ------------------


def populate(size: int) -> None:
    """``size`` member municipalities over five regions (one nested), each with a person."""
    parent = RegionFactory(name="Bovenregio")
    regions = [RegionFactory(parent=parent if n == 0 else None) for n in range(5)]
    for n in range(size):
        municipality = MunicipalityFactory(region=regions[n % len(regions)])
        PersonFactory(organisation=municipality)
    OrganisationFactory(kind=Organisation.Kind.PARTNER, region=regions[0])


SIZES = [5, 50]


@pytest.mark.parametrize("size", SIZES)
def test_home_query_count(client, size, django_assert_num_queries):
    populate(size)

    # the data's fingerprint (pages.home), then the public part rendered once: regions with their
    # members (one query), the members (one prefetch), the next events, the latest newsletter, the
    # news and the content pages
    with django_assert_num_queries(7):
        response = client.get("/")

    assert response.content.decode().count("Gemeente ") >= size
    # ... and from the cache after that: the fingerprint only
    with django_assert_num_queries(1):
        again = client.get("/")
    assert again.content.decode().count("Gemeente ") == response.content.decode().count("Gemeente ")


@pytest.mark.parametrize("size", SIZES)
def test_member_list_query_count(client, size, django_assert_num_queries):
    populate(size)

    with django_assert_num_queries(2):
        response = client.get("/leden/")

    sections = region_sections(response.content.decode())
    assert sum(text.count("Gemeente ") for text in sections.values()) == size


@pytest.mark.parametrize("size", SIZES)
def test_pages_for_a_logged_in_member_query_count(client, size, django_assert_num_queries):
    populate(size)
    member = MemberFactory()
    client.force_login(member.user)

    # session, user, then the page's own queries (the home page's public part rendered once, then
    # cached: the fingerprint only; pages.home)
    with django_assert_num_queries(9):
        client.get("/")
    with django_assert_num_queries(3):
        client.get("/")
    with django_assert_num_queries(4):
        client.get("/leden/")
    # ... the person, the bounce state of their address (issue 14) and the newsletter lists with
    # their subscriptions in one query (one more than the single newsletter card before); the
    # networks card (issue 16): the networks in one query (none here, so nothing to prefetch); the
    # recommendation panel (issue 16): the person's own requests
    with django_assert_num_queries(7):
        response = client.get("/profiel/")
    assert member.email in response.content.decode()
    with django_assert_num_queries(3):
        client.get("/profiel/bewerken/")


@pytest.mark.parametrize("size", SIZES)
def test_data_export_query_count(client, size, django_assert_num_queries):
    member = MemberFactory()
    for n in range(size):
        member.job_title = f"functie {n}"
        member.save()
        mail_queue(to=member.email, subject=f"Bericht {n}", text="...")
    client.force_login(member.user)

    # session, user, person, history, e-mail addresses, mail; then event registrations, mandates,
    # personal notes, workplan activities, progress reports, meeting attendance, actions, the
    # ALV's delegations, check-ins, ballots cast, candidacies, convocations and late-document
    # notices (one query each: 14 -> 20 with issue 13), newsletter subscriptions and the group
    # messages received (messaging, issue 14: 21), network memberships (issue 16: 22), the contact
    # moments, follow-up actions and signals (contacts, issue 16: 25), VNG commission seats and
    # recommendation requests (issue 16: 27), walk-ins added at the door under the person's
    # addresses (issue 15: 28) (the workshop choices are prefetched only when there
    # are registrations, the proxies only when there are delegations, the memberships' tags only
    # when there are memberships)
    with django_assert_num_queries(28):
        response = client.get("/profiel/mijn-gegevens.json")

    data = json.loads(response.content)
    assert len(data["history"]) == size + 1
    assert len(data["sent_mail"]) == size
