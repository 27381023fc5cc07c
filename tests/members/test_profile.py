"""The profile page: see and edit one's own details, download everything held (AVG)."""

import datetime
import json

import pytest
from django.conf import settings

from members import services
from members.models import Person
from tests.factories import MemberFactory, MunicipalityFactory, PersonFactory, RegionFactory, UserFactory
from vzhg.mail.services import mail_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


UNCHANGED = {"first_name": "Jack", "tussenvoegsel": "de", "last_name": "Vries"}


@pytest.fixture
def member(client):
    delft = MunicipalityFactory(name="Delft", region=RegionFactory(name="Haaglanden"))
    person = MemberFactory(
        first_name="Jack",
        tussenvoegsel="de",
        last_name="Vries",
        email="jack.devries@delft.nl",
        phone="015 260 2222",
        organisation=delft,
        function=Person.Function.GRIFFIER,
        job_title="griffier Delft",
    )
    client.force_login(person.user)
    return person


def test_profile_shows_name_email_and_organisation(client, member):
    response = client.get("/profiel/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Jack de Vries" in page
    assert "jack.devries@delft.nl" in page
    assert "Delft" in page
    assert "Haaglanden" in page
    assert "griffier Delft" in page
    assert "council clerk (griffier)" in page


def test_profile_of_an_account_without_person_says_so(client):
    client.force_login(UserFactory(email="los@example.org"))

    response = client.get("/profiel/")

    assert response.status_code == 200
    assert "no person is linked to this account yet" in response.content.decode()
    assert client.get("/profiel/bewerken/")["Location"] == "/profiel/"


def test_edit_saves_the_allowed_fields(client, member):
    response = client.post(
        "/profiel/bewerken/",
        {
            "first_name": "Jacqueline",
            "tussenvoegsel": "de",
            "last_name": "Vries-Bakker",
            "phone": "+31 15 260 2223",
            "job_title": "raadsgriffier",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/profiel/"
    member.refresh_from_db()
    assert member.full_name == "Jacqueline de Vries-Bakker"
    assert member.phone == "+31 15 260 2223"
    assert member.job_title == "raadsgriffier"
    page = client.get(response["Location"]).content.decode()
    assert "Your details have been saved." in page
    assert "Jacqueline de Vries-Bakker" in page


def test_edit_refuses_organisation_function_and_email(client, member):
    leiden = MunicipalityFactory(name="Leiden")
    delft = member.organisation

    client.post(
        "/profiel/bewerken/",
        {
            "first_name": "Jack",
            "tussenvoegsel": "de",
            "last_name": "Vries",
            "phone": "",
            "job_title": "",
            "organisation": leiden.pk,
            "function": Person.Function.BURGEMEESTER,
            "email": "burgemeester@leiden.nl",
            "user": "",
        },
    )

    member.refresh_from_db()
    assert member.organisation == delft
    assert member.function == Person.Function.GRIFFIER
    assert member.email == "jack.devries@delft.nl"
    assert member.user is not None
    assert member.phone == ""


def test_service_ignores_fields_a_person_may_not_change(member):
    leiden = MunicipalityFactory(name="Leiden")

    services.person_update_profile(
        person=member,
        data={
            "first_name": "Jacq",
            "organisation": leiden,
            "function": "burgemeester",
            "email": "x@leiden.nl",
        },
        actor=member.user,
    )

    member.refresh_from_db()
    assert member.first_name == "Jacq"
    assert member.organisation.name == "Delft"
    assert member.function == Person.Function.GRIFFIER
    assert member.email == "jack.devries@delft.nl"


def test_bad_phone_is_an_error_and_nothing_typed_is_lost(client, member):
    response = client.post(
        "/profiel/bewerken/",
        {
            "first_name": "Jacqueline",
            "tussenvoegsel": "van der",
            "last_name": "Berg",
            "phone": "call me maybe",
            "job_title": "raadsgriffier",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["phone"]
    page = response.content.decode()
    assert "Enter a phone number of digits" in page
    for typed in ("Jacqueline", "van der", "Berg", "call me maybe", "raadsgriffier"):
        assert f'value="{typed}"' in page
    member.refresh_from_db()
    assert member.full_name == "Jack de Vries"
    assert member.phone == "015 260 2222"


def test_edit_is_recorded_in_history_with_who_did_it(client, member):
    client.post(
        "/profiel/bewerken/",
        {**UNCHANGED, "phone": "070 123 4567", "job_title": ""},
    )

    latest = member.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == member.user
    assert latest.history_change_reason == "edited own profile"
    assert latest.phone == "070 123 4567"
    previous = latest.prev_record
    assert previous.phone == "015 260 2222"
    assert {change.field for change in latest.diff_against(previous).changes} == {"phone", "job_title"}


def test_service_records_the_actor_without_a_request(member):
    services.person_update_profile(person=member, data={"job_title": "raadsgriffier"}, actor=member.user)

    latest = member.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == member.user
    assert latest.job_title == "raadsgriffier"


def test_export_is_a_json_download_of_everything_held(client, member):
    other = PersonFactory(first_name="Anna", last_name="Bakker", email="anna.bakker@leiden.nl")
    mail_queue(to="jack.devries@delft.nl", subject="Uitnodiging ALV", text="Tot dan.")
    mail_queue(to="anna.bakker@leiden.nl", subject="Voor Anna", text="Niet voor Jack.")
    client.post(
        "/profiel/bewerken/",
        {**UNCHANGED, "phone": "", "job_title": "griffier"},
    )

    response = client.get("/profiel/mijn-gegevens.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["email"] == "jack.devries@delft.nl"
    assert data["person"]["last_name"] == "Vries"
    assert data["person"]["tussenvoegsel"] == "de"
    assert data["person"]["organisation"] == "Delft"
    assert data["account"]["email"] == "jack.devries@delft.nl"
    assert data["account"]["email_addresses"] == [
        {"email": "jack.devries@delft.nl", "verified": True, "primary": True}
    ]
    assert len(data["history"]) == 2
    assert "edited own profile" in {entry["reason"] for entry in data["history"]}
    assert [m["subject"] for m in data["sent_mail"]] == ["Uitnodiging ALV"]
    raw = response.content.decode()
    assert other.email not in raw
    assert "Voor Anna" not in raw
    assert "Bakker" not in raw


def test_export_includes_mail_to_the_other_verified_addresses_only(client, member):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=member.user, email="jack@prive.nl", verified=True, primary=False)
    EmailAddress.objects.create(
        user=member.user, email="unconfirmed@elders.nl", verified=False, primary=False
    )
    mail_queue(to="Jack@Prive.nl", subject="Naar prive", text="...")
    mail_queue(to="unconfirmed@elders.nl", subject="Onbevestigd", text="...")

    data = json.loads(client.get("/profiel/mijn-gegevens.json").content)

    assert [m["subject"] for m in data["sent_mail"]] == ["Naar prive"]
    assert {a["email"] for a in data["account"]["email_addresses"]} == {
        "jack.devries@delft.nl",
        "jack@prive.nl",
        "unconfirmed@elders.nl",
    }


def test_export_of_an_account_without_person(client):
    client.force_login(UserFactory(email="los@example.org"))

    data = json.loads(client.get("/profiel/mijn-gegevens.json").content)

    assert data["person"] is None
    assert data["account"]["email"] == "los@example.org"


def test_export_is_get_only(client, member):
    assert client.post("/profiel/mijn-gegevens.json").status_code == 405


def test_export_includes_registrations_mandates_and_subscriptions(client, member):
    from events.services import registration_create
    from governance.models import Body, Mandate
    from newsletters.models import Subscription
    from tests.events.staff_factories import EventFactory

    event = EventFactory(title="Najaarscongres", capacity=None)
    registration_create(event=event, person=member, session_ids=[], remarks="vegetarisch")
    body = Body.objects.create(name="Algemeen bestuur", kind="ab", slug="ab")
    Mandate.objects.create(person=member, body=body, role="lid", start=datetime.date(2026, 1, 1))
    Subscription.objects.create(email=member.email.upper(), status="confirmed")
    Subscription.objects.create(email="someone.else@leiden.nl", status="confirmed")

    data = json.loads(client.get("/profiel/mijn-gegevens.json").content)

    assert [(r["event"], r["remarks"]) for r in data["event_registrations"]] == [
        ("Najaarscongres", "vegetarisch")
    ]
    assert [(m["body"], m["role"]) for m in data["mandates"]] == [("Algemeen bestuur", "lid")]
    assert [s["email"] for s in data["newsletter_subscriptions"]] == [member.email.lower()]
    assert data["personal_notes"] == []


def test_export_includes_workplan_responsibilities_and_progress_reports(client, member):
    from governance.models import PlannedActivity, Workplan
    from governance.reports.services import progress_report_save

    plan = Workplan.objects.create(year=2026)
    mine = PlannedActivity.objects.create(workplan=plan, title="Najaarscongres", planned_count=1)
    mine.responsible.add(member)
    PlannedActivity.objects.create(workplan=plan, title="Heisessie", planned_count=1)
    progress_report_save(
        activity=mine, half=1, light="orange", text="Zaal nog niet bevestigd.", actor=member.user
    )

    data = json.loads(client.get("/profiel/mijn-gegevens.json").content)

    assert data["workplan_activities_responsible_for"] == [{"year": 2026, "activity": "Najaarscongres"}]
    assert [(r["activity"], r["half"], r["light"], r["text"]) for r in data["progress_reports_written"]] == [
        ("Najaarscongres", 1, "orange", "Zaal nog niet bevestigd.")
    ]
