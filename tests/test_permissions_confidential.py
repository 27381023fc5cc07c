"""Staff status without rights, and the Secretariaat group, over every page and file of the site
with real confidential objects behind them (STYLE 15). Which URLs exist and who may open them in
general is in test_permissions.py; its URL classes and visitors are reused here."""

import pytest
from django.urls import reverse

from tests.test_permissions import OBJECT_URLS, PRIVATE, PUBLIC, url

pytestmark = pytest.mark.django_db


# --- staff status without rights, over every page and file ----------------------------------------
# A staff account without any group or permission may log in to the admin and sees nothing there
# (test_staff_status_alone_gives_no_rights). On the site it is an ordinary logged-in person: every
# page and file URL is walked with real confidential objects behind it, and none of them may show.

SECRET = "GEHEIM"  # every confidential title in the world below carries this word


@pytest.fixture
def confidential_world():
    """One real object behind every object URL: a closed board's meeting with a confidential item,
    its document and pack; a public board's meeting with a confidential item; a concept meeting;
    a concept workplan and annual report with unpublished PDF versions; a draft event; someone
    else's registration; a concept newsletter with an image."""
    import datetime
    import uuid

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from governance.board import packs as board_packs
    from governance.models import AgendaItem, AnnualReport, Body, Meeting, ReportVersion, Workplan
    from newsletters.models import Item, Newsletter
    from tests.events.staff_factories import EventFactory, RegistrationFactory
    from tests.governance.conftest import add_pdf, make_meeting
    from tests.governance.report_data import build_year
    from tests.newsletters.conftest import NewsletterFactory, png_bytes

    year = build_year(workplan_status=Workplan.Status.CONCEPT, report_status=AnnualReport.Status.CONCEPT)
    Workplan.objects.filter(pk=year.workplan.pk).update(title=f"{SECRET} werkplan")
    AnnualReport.objects.filter(year=year.year).update(title=f"{SECRET} jaarverslag")
    closed = Body.objects.get(slug="db")
    public = Body.objects.get(slug="ab")
    assert public.public_meetings and not closed.public_meetings

    meetings = {
        "closed": make_meeting(closed, title=f"{SECRET} DB-vergadering", items=2, confidential=True),
        "public": make_meeting(public, title="AB-vergadering", items=2, confidential=True),
        "concept": make_meeting(
            public, title=f"{SECRET} conceptvergadering", items=1, status=Meeting.Status.CONCEPT
        ),
    }
    AgendaItem.objects.filter(confidential=True).update(title=f"{SECRET} vertrouwelijk punt")
    documents = {}
    for key, meeting in meetings.items():
        for item in meeting.items.all():
            documents[(key, item.confidential)] = add_pdf(item, title=f"Bijlage {key} {item.pk}")
    packs = {key: board_packs.meeting_pack_build(meeting_id=meetings[key].pk) for key in ("closed", "public")}
    # Concept minutes of the closed board; adopted minutes of the public board's meeting, which
    # holds a confidential item (so they stay with its members, as its pack).
    from governance.models import Minutes

    Minutes.objects.create(meeting=meetings["closed"], text=f"{SECRET} conceptnotulen")
    Minutes.objects.create(
        meeting=meetings["public"],
        text=f"{SECRET} notulen",
        status=Minutes.Status.ADOPTED,
        adopted_at=timezone.now(),
    )

    def version(kind):
        row = ReportVersion.objects.create(
            kind=kind, year=year.year, version=1, status=ReportVersion.Status.READY
        )
        row.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.7\n% GEHEIM\n%%EOF\n"))
        return row

    versions = {
        kind: version(kind) for kind in (ReportVersion.Kind.WORKPLAN, ReportVersion.Kind.ANNUAL_REPORT)
    }
    draft_event = EventFactory(
        status="draft", title=f"{SECRET} conceptbijeenkomst", slug="geheime-bijeenkomst"
    )
    registration = RegistrationFactory()  # someone else's
    from events.tokens import checkin_token_make

    checkin_token = checkin_token_make(registration=registration)
    newsletter = NewsletterFactory(title=f"{SECRET} concepteditie", with_items=1)
    # A closed list (subscribers and staff only) with a sent edition of its own.
    from newsletters.models import NewsletterList

    closed_list = NewsletterList.objects.create(
        name=f"{SECRET} strategennetwerk", slug="strategen", self_service=False, public=False
    )
    closed_edition = NewsletterFactory(
        title=f"{SECRET} strategeneditie", newsletter_list=closed_list, status=Newsletter.Status.SENT
    )
    item = Item.objects.get(section__newsletter=newsletter)
    item.image.save("foto.png", ContentFile(png_bytes()), save=True)
    assert newsletter.status == Newsletter.Status.CONCEPT

    # The archive lists held meetings: the public board's meeting is moved into the past.
    Meeting.objects.filter(pk__in=[meetings["closed"].pk, meetings["public"].pk]).update(
        starts_at=timezone.now() - datetime.timedelta(days=3)
    )
    y_meet = timezone.localdate(timezone.now() - datetime.timedelta(days=3)).year

    def meeting_url(name, key):
        return reverse(name, kwargs={"pk": meetings[key].pk, "token": meetings[key].token})

    # A published ALV with a delegate: its member pages are for the griffier/burgemeester and
    # the delegate of a member municipality only; staff status and the secretariat (who work in
    # the admin) get 404 (the delegate's own 200 is in tests/governance/test_assembly_pages.py).
    from tests.governance.assembly_data import alv_meeting, delegations

    meetings["alv"] = alv_meeting(days=1, title="ALV")
    delegations(meetings["alv"], 1, present=0)

    # Issue 16: a signal, a network with a member, unpublished pages and news, a commission with a
    # given recommendation (someone else's letter), a presentation of the draft event.
    from contacts.models import Signal
    from events.models import EventMaterial
    from governance.board import recommendations
    from governance.models import VngCommission
    from members.models import Person
    from networks.models import Network, NetworkMembership
    from pages.models import ContentPage, NewsItem
    from tests.factories import MemberFactory
    from tests.factories import secretariat_user as secretariat

    signal = Signal.objects.create(
        title=f"{SECRET} signaal", text=f"{SECRET} tekst", received_on=datetime.date(2025, 3, 1)
    )
    network = Network.objects.create(name="Juristennetwerk", slug="juristen", open_for_signup=True)
    NetworkMembership.objects.create(
        network=network,
        person=MemberFactory(first_name=SECRET, last_name="Jurist"),
        joined_on=datetime.date(2025, 1, 15),
    )
    page = ContentPage.objects.create(slug="concept", title_nl=f"{SECRET} pagina", published=False)
    news = NewsItem.objects.create(title_nl=f"{SECRET} nieuws", body_nl="…", published=False)
    commission = VngCommission.objects.create(name="Informatiesamenleving")
    asker = MemberFactory(first_name=SECRET, last_name="Wethouder", function=Person.Function.WETHOUDER)
    letter = recommendations.recommendation_request_give(
        request=recommendations.recommendation_request_create(
            person=asker, commission=commission, motivation=f"{SECRET} motivatie", actor=asker.user
        ),
        letter_text=f"{SECRET} brief",
        actor=secretariat(),
    )
    material = EventMaterial(event=draft_event, title=f"{SECRET} presentatie")
    material.file.save("presentatie.pdf", ContentFile(b"%PDF-1.7\n% GEHEIM\n%%EOF\n"))  # saves the row

    y = year.year
    activity = year.activities[0]
    note_doc = documents[("closed", True)]
    # name -> [(method, url, what staff without rights may get, what the secretariat gets)]
    hidden, forbidden, bad_token = {404}, {403}, {400, 404}
    cases = {
        "governance:meeting": [
            ("get", meeting_url("governance:meeting", "closed"), hidden, {200}),
            ("get", meeting_url("governance:meeting", "concept"), hidden, {200}),
            ("get", meeting_url("governance:meeting", "public"), {200}, {200}),  # without its secret item
        ],
        "governance:decisions": [
            ("get", meeting_url("governance:decisions", "closed"), hidden, {200}),
            ("get", meeting_url("governance:decisions", "public"), {200}, {200}),
        ],
        "governance:decisions_pdf": [
            ("get", meeting_url("governance:decisions_pdf", "closed"), hidden, {200})
        ],
        "governance:document": [
            ("get", documents[(key, True)].get_absolute_url(), hidden, {200}) for key in ("closed", "public")
        ]
        + [("get", documents[("concept", False)].get_absolute_url(), hidden, {200})],
        "governance:note": [
            (
                "post",
                reverse("governance:note", kwargs={"pk": note_doc.pk, "token": note_doc.token}),
                hidden,
                {302},
            )
        ],
        "governance:minutes": [
            ("get", meeting_url("governance:minutes", key), hidden, {200}) for key in ("closed", "public")
        ],
        "governance:delegate": [("get", meeting_url("governance:delegate", "alv"), hidden, hidden)],
        "governance:ballot": [("get", meeting_url("governance:ballot", "alv"), hidden, hidden)],
        "governance:minutes_pdf": [("get", meeting_url("governance:minutes_pdf", "public"), hidden, {200})],
        "governance:archive_year": [
            ("get", reverse("governance:archive_year", kwargs={"slug": body.slug, "year": y_meet}), *seen)
            for body, seen in ((closed, (hidden, hidden)), (public, ({200}, {200})))
        ],
        "governance:pack": [
            ("get", packs[key].get_absolute_url(), hidden, {200}) for key in ("closed", "public")
        ],
        "reports:workplan": [("get", f"/werkplan/{y}/", hidden, {200})],
        "reports:workplan_pdf": [("get", f"/werkplan/{y}/pdf/", hidden, {200})],
        "reports:half_year_report": [
            ("get", f"/werkplan/{y}/voortgang/{half}/", forbidden, {200}) for half in (1, 2)
        ],
        "reports:progress_write": [
            ("get", f"/werkplan/{y}/voortgang/1/{activity.pk}/", forbidden, {200}),
            ("post", f"/werkplan/{y}/voortgang/1/{activity.pk}/", forbidden, {302}),
        ],
        "reports:annual_report": [("get", f"/jaarverslag/{y}/", hidden, {200})],
        "reports:annual_report_pdf": [("get", f"/jaarverslag/{y}/pdf/", hidden, {200})],
        "reports:engagement": [("get", f"/jaarverslag/{y}/ledenbinding/", forbidden, {200})],
        "reports:version": [("get", row.get_absolute_url(), hidden, {200}) for row in versions.values()],
        "events:detail": [
            ("get", reverse("events:detail", kwargs={"slug": draft_event.slug}), hidden, hidden)
        ],
        "events:register": [
            ("get", reverse("events:register", kwargs={"slug": draft_event.slug}), hidden, hidden)
        ],
        "events:registration_change": [
            ("get", reverse("events:registration_change", kwargs={"pk": registration.pk}), hidden, hidden)
        ],
        "events:registration_cancel": [
            ("get", reverse("events:registration_cancel", kwargs={"pk": registration.pk}), hidden, hidden)
        ],
        "events:cancel_token": [
            ("get", reverse("events:cancel_token", kwargs={"token": "x"}), bad_token, bad_token)
        ],
        "events:feed": [("get", reverse("events:feed", kwargs={"token": "x"}), bad_token, bad_token)],
        # Someone else's check-in link: staff status alone goes to their own registrations (302);
        # the secretariat (check-in permission) to the event's check-in page (302), a bad code 404.
        "events:checkin_code": [
            ("get", reverse("events:checkin_code", kwargs={"token": checkin_token}), {302}, {302}),
            ("get", reverse("events:checkin_code", kwargs={"token": "1.x"}), {302}, hidden),
        ],
        "newsletters:edition": [
            ("get", newsletter.get_absolute_url(), hidden, {200}),
            ("get", closed_edition.get_absolute_url(), hidden, {200}),
        ],
        "newsletters:list_archive": [("get", closed_list.get_absolute_url(), hidden, {200})],
        # Nobody subscribes themselves to a closed list: the secretariat adds people in the admin.
        "newsletters:list_subscribe": [("get", closed_list.subscribe_url(), hidden, hidden)],
        "newsletters:image": [
            ("get", reverse("newsletters:image", kwargs={"item_id": item.pk}), hidden, {200})
        ],
        "newsletters:confirm": [
            ("get", reverse("newsletters:confirm", kwargs={"token": "x"}), bad_token, bad_token)
        ],
        "newsletters:unsubscribe": [
            ("get", reverse("newsletters:unsubscribe", kwargs={"token": "x"}), bad_token, bad_token)
        ],
        # A click link whose signed (edition, link) token does not verify: refused, no redirect.
        "newsletters:click": [("get", reverse("newsletters:click", kwargs={"token": "x"}), {400}, {400})],
        "contacts:signals": [("get", reverse("contacts:signals"), forbidden, {200})],
        "contacts:signal": [("get", reverse("contacts:signal", kwargs={"pk": signal.pk}), hidden, {200})],
        # The network's page is public (its plain members are not named there); its member list
        # is for its members and the secretariat. Joining and leaving take a POST only.
        "networks:detail": [("get", reverse("networks:detail", kwargs={"slug": network.slug}), {200}, {200})],
        "networks:members": [
            ("get", reverse("networks:members", kwargs={"slug": network.slug}), hidden, {200})
        ],
        "networks:join": [("get", reverse("networks:join", kwargs={"slug": network.slug}), {405}, {405})],
        "networks:leave": [("get", reverse("networks:leave", kwargs={"slug": network.slug}), {405}, {405})],
        "pages:page": [("get", reverse("pages:page", kwargs={"slug": page.slug}), hidden, hidden)],
        "pages:news_item": [("get", reverse("pages:news_item", kwargs={"pk": news.pk}), hidden, hidden)],
        "pages:news_image": [("get", reverse("pages:news_image", kwargs={"pk": news.pk}), hidden, hidden)],
        "governance:commission": [
            ("get", reverse("governance:commission", kwargs={"slug": commission.slug}), {200}, {200})
        ],
        # The old address by number: a permanent redirect to the readable one, for anyone.
        "governance:commission_by_pk": [
            ("get", reverse("governance:commission_by_pk", kwargs={"pk": commission.pk}), {301}, {301})
        ],
        "governance:recommendation_letter": [("get", letter.get_letter_url(), hidden, {200})],
        "events:material": [
            (
                "get",
                reverse("events:material", kwargs={"slug": draft_event.slug, "pk": material.pk}),
                hidden,
                hidden,
            )
        ],
    }
    posts = {
        "governance:note": {f"d{note_doc.pk}-text": f"{SECRET} notitie"},
        "reports:progress_write": {"light": "red", "text": f"{SECRET} voortgang"},
    }
    return {"cases": cases, "posts": posts, "uuid": uuid.uuid4()}


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode("utf-8", "replace")


def _walk_cases(client, world, column: int):
    """Every case of the world for one visitor: (name, method, url, status, body)."""
    for name, cases in world["cases"].items():
        for case in cases:
            method, target = case[0], case[1]
            if method == "post":
                response = client.post(target, world["posts"][name])
            else:
                response = client.get(target)
            yield name, method, target, case[column], response


def test_the_staff_walk_covers_every_object_url(confidential_world):
    assert set(confidential_world["cases"]) == set(OBJECT_URLS)


def test_staff_status_alone_opens_no_confidential_page_or_file(
    client, confidential_world, staff_without_rights
):
    from governance.models import PersonalNote, ProgressReport

    wrong = []
    for name, method, target, allowed, response in _walk_cases(client, confidential_world, 2):
        if response.status_code not in allowed:
            wrong.append(
                f"{method.upper()} {target} ({name}): {response.status_code}, expected {sorted(allowed)}"
            )
        elif response.status_code == 200 and SECRET in _body(response):
            wrong.append(f"{method.upper()} {target} ({name}) shows confidential content")
    # The site's own pages (public and private) with all of the above in the database.
    for name in sorted(PUBLIC | PRIVATE.keys()):
        response = client.get(url(name), follow=True)
        if response.status_code != 200:
            wrong.append(f"{url(name)} ({name}): {response.status_code}")
        elif SECRET in _body(response):
            wrong.append(f"{url(name)} ({name}) shows confidential content")

    assert wrong == []
    assert (
        not PersonalNote.objects.exists()
        and not ProgressReport.objects.filter(text__contains=SECRET).exists()
    )


def test_the_secretariat_group_opens_what_the_secretariat_needs(client, confidential_world, secretariat):
    wrong = [
        f"{method.upper()} {target} ({name}): {response.status_code}, expected {sorted(expected)}"
        for name, method, target, expected, response in _walk_cases(client, confidential_world, 3)
        if response.status_code not in expected
    ]

    assert wrong == []


def test_confidential_pages_and_files_are_never_cached(client, confidential_world, secretariat):
    """Whatever the secretariat opens of the confidential world: `private, no-store`."""
    cached = [
        f"{target} ({name}): {response.get('Cache-Control')}"
        for name, method, target, _expected, response in _walk_cases(client, confidential_world, 3)
        if response.status_code == 200
        and not {"private", "no-store"}
        <= {part.strip() for part in response.get("Cache-Control", "").split(",")}
    ]

    assert cached == []
