"""Check-in by QR code and walk-ins (issue 15): the signed code (tampered → refused), a scan that
counts once (twice, and twice at the same moment on PostgreSQL), walk-ins in the counts, the
check-in permission, and the code in the confirmation mail, the .ics and "Mijn aanmeldingen"."""

import email
import email.policy
import html
import threading

import icalendar
import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from events import checkin, services
from events.models import Registration
from events.tokens import checkin_token_make
from members import services as member_services
from tests.events.conftest import make_event
from tests.events.staff_factories import EventFactory, RegistrationFactory, nl
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory
from vzhg.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def door(client):
    """A volunteer at the door: staff, with the check-in permission and nothing else."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="checkin_registration"))
    client.force_login(user)
    return user


@pytest.fixture
def anouk():
    event = EventFactory(title="ALV en voorjaarscongres")
    person = MemberFactory(
        first_name="Anouk", last_name="Visser", organisation=MunicipalityFactory(name="Leiden")
    )
    return RegistrationFactory(event=event, person=person)


def _page(client, event):
    return reverse("admin:events_event_checkin", args=[event.pk])


def _messages(response) -> str:
    return html.unescape(response.content.decode())


# --- the code -------------------------------------------------------------------------------------


def test_code_is_signed_per_registration_and_a_tampered_code_is_refused(anouk):
    token = checkin_token_make(registration=anouk)
    pk, _sep, signature = token.partition(".")
    other = RegistrationFactory(event=anouk.event)
    tampered = [
        f"{other.pk}.{signature}",  # someone else's number with Anouk's signature
        f"{pk}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        pk,
        "",
        "../../admin/",
    ]

    for code in tampered:
        with pytest.raises(ServiceError) as refusal:
            checkin.registration_check_in_by_code(event=anouk.event, code=code, actor=None)
        assert refusal.value.code == "unknown"
    assert not Registration.objects.filter(attended=True).exists()
    assert anouk.checkin_key and anouk.checkin_key != other.checkin_key  # a random salt per row
    assert anouk.checkin_key not in token  # the database alone does not give the code


def test_code_of_another_event_is_unknown_here(anouk):
    elsewhere = EventFactory()
    with pytest.raises(ServiceError) as refusal:
        checkin.registration_check_in_by_code(
            event=elsewhere, code=checkin_token_make(registration=anouk), actor=None
        )
    assert refusal.value.code == "unknown"


def test_a_new_key_makes_the_old_code_worthless(anouk):
    token = checkin_token_make(registration=anouk)
    Registration.objects.filter(pk=anouk.pk).update(checkin_key="another-key")

    with pytest.raises(ServiceError):
        checkin.registration_check_in_by_code(event=anouk.event, code=token, actor=None)


def test_scanning_twice_says_so_and_counts_once(anouk):
    link = checkin.checkin_url(registration=anouk)  # the QR holds the link; the bare code works too
    at_ten = timezone.make_aware(timezone.datetime(2026, 11, 30, 10, 2))

    first = checkin.registration_check_in_by_code(event=anouk.event, code=link, actor=None, now=at_ten)
    with pytest.raises(ServiceError) as second:
        checkin.registration_check_in_by_code(
            event=anouk.event, code=checkin_token_make(registration=anouk), actor=None
        )

    assert first.attended and checkin.checkin_label(first) == "Anouk Visser, Leiden"
    assert second.value.code == "already"
    assert "10:02" in second.value.message and "Anouk Visser, Leiden" in second.value.message
    anouk.refresh_from_db()
    assert anouk.attended_at == at_ten
    assert anouk.history.filter(attended=True).count() == 1


def test_a_waiting_registration_is_not_checked_in_by_its_code(anouk):
    Registration.objects.filter(pk=anouk.pk).update(status=Registration.Status.WAITLISTED)
    with pytest.raises(ServiceError) as refusal:
        checkin.registration_check_in_by_code(
            event=anouk.event, code=checkin_token_make(registration=anouk), actor=None
        )
    assert refusal.value.code == "not_confirmed"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_moment_count_once_on_postgresql():
    assert connection.vendor == "postgresql"
    event = make_event()
    registrations = [
        services.registration_create(event=event, person=MemberFactory(), session_ids=[]) for _ in range(5)
    ]
    codes = [checkin_token_make(registration=r) for r in registrations]
    scans = [code for code in codes for _ in range(4)]  # four doors scan each code at once
    barrier = threading.Barrier(len(scans))
    outcomes, lock = [], threading.Lock()

    def scan(code):
        try:
            barrier.wait(timeout=30)
            checkin.registration_check_in_by_code(event=event, code=code, actor=None)
            outcome = "checked_in"
        except ServiceError as refusal:
            outcome = refusal.code
        except Exception as exc:  # noqa: BLE001 - any other error breaks the promise
            outcome = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=scan, args=(code,)) for code in scans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == sorted(["checked_in"] * 5 + ["already"] * 15)
    assert Registration.objects.filter(event=event, attended=True).count() == 5
    for registration in registrations:
        assert registration.history.filter(attended=True).count() == 1


# --- the page -------------------------------------------------------------------------------------


def test_page_checks_in_by_code_and_says_who(client, door, anouk):
    url = _page(client, anouk.event)
    code = checkin.checkin_url(registration=anouk)

    response = client.post(url, {"code": code})
    page = client.get(url)
    again = client.post(url, {"code": code}, follow=True)
    unknown = client.post(url, {"code": "12.nonsense"}, follow=True)

    assert response.status_code == 302 and response["Location"].endswith("#scan")
    assert nl("Checked in: %(who)s", who="Anouk Visser, Leiden") in _messages(page)
    time = timezone.localtime(Registration.objects.get(pk=anouk.pk).attended_at).strftime("%H:%M")
    assert nl("Already checked in at %(time)s: %(who)s", time=time, who="Anouk Visser, Leiden") in _messages(
        again
    )
    assert nl("Unknown code: it is not a check-in code for this event.") in _messages(unknown)
    assert Registration.objects.filter(event=anouk.event, attended=True).count() == 1


def test_page_has_the_scanner_and_the_code_field_without_inline_script(client, door, anouk):
    content = client.get(_page(client, anouk.event)).content.decode()

    assert 'src="/static/vendor/jsqr/jsQR.js"' in content and 'src="/static/js/checkin.js"' in content
    assert 'name="code"' in content and "data-checkin-camera" in content
    assert "<script>" not in content and " style=" not in content


def test_walk_in_is_added_checked_in_and_counts_for_its_municipality(client, door, anouk):
    MunicipalityFactory.create_batch(3)
    delft = MunicipalityFactory(name="Delft")
    url = _page(client, anouk.event)
    before = client.get(url).context

    response = client.post(
        url,
        {"walk_in": "1", "walkin-name": "  Wim   Walk ", "walkin-organisation": delft.pk, "walkin-email": ""},
    )
    after = client.get(url)

    assert response.status_code == 302
    walk_in = Registration.objects.get(event=anouk.event, walk_in=True)
    assert (walk_in.walk_in_name, walk_in.organisation, walk_in.attended) == ("Wim Walk", delft, True)
    assert walk_in.status == Registration.Status.CONFIRMED and walk_in.person is None
    assert before["municipalities"]["present"] == 0
    assert after.context["municipalities"] == {"present": 1, "total": before["municipalities"]["total"]}
    assert after.context["counts"] == {"confirmed": 2, "present": 1}
    assert nl("Walk-in added and checked in: %(who)s", who="Wim Walk, Delft") in _messages(after)
    assert "Wim Walk" in after.content.decode()


def test_walk_in_without_a_name_is_refused_and_the_form_kept(client, door, anouk):
    response = client.post(
        _page(client, anouk.event), {"walk_in": "1", "walkin-name": "", "walkin-email": "a@b.nl"}
    )

    assert response.status_code == 200
    assert response.context["walk_in_form"].errors["name"]
    assert not Registration.objects.filter(walk_in=True).exists()


def test_walk_in_name_and_address_are_forgotten_by_retention(anouk):
    from events.retention import registrations_anonymise

    walk_in = checkin.registration_walk_in_create(
        event=anouk.event, name="Wim Walk", organisation=None, email="wim@example.org", actor=None
    )
    registrations_anonymise(now=anouk.event.ends_at + timezone.timedelta(days=800), months=1)

    walk_in.refresh_from_db()
    assert (walk_in.walk_in_name, walk_in.walk_in_email) == ("", "")
    assert not walk_in.history.exclude(walk_in_name="").exists()


# --- who may check people in ---------------------------------------------------------------------


@pytest.mark.parametrize("codename", [None, "view_registration", "change_registration"])
def test_only_the_check_in_permission_opens_the_door(client, anouk, codename):
    user = UserFactory(is_staff=True)
    if codename:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    url = _page(client, anouk.event)

    assert client.get(url).status_code == 403
    assert client.post(url, {"code": checkin_token_make(registration=anouk)}).status_code == 403
    assert client.post(url, {"walk_in": "1", "walkin-name": "X"}).status_code == 403
    anouk.refresh_from_db()
    assert not anouk.attended and not Registration.objects.filter(walk_in=True).exists()


def test_the_secretariat_has_the_check_in_permission(client, anouk):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)

    assert client.get(_page(client, anouk.event)).status_code == 200


def test_check_in_link_leads_door_staff_to_the_page_and_members_to_their_registrations(client, door, anouk):
    token = checkin_token_make(registration=anouk)
    link = reverse("events:checkin_code", kwargs={"token": token})

    response = client.get(link)
    bad = client.get(reverse("events:checkin_code", kwargs={"token": f"{anouk.pk}.wrong"}))
    client.force_login(UserFactory())
    member = client.get(link)
    client.logout()
    anonymous = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == f"{_page(client, anouk.event)}?code={token}#scan"
    page = client.get(response["Location"])  # a GET changes nothing: the door confirms with a press
    anouk.refresh_from_db()
    assert not anouk.attended
    assert bad.status_code == 404
    assert (member.status_code, member["Location"]) == (302, reverse("events:mine"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/account/login/")
    assert page.status_code == 302  # logged out by now


# --- the code where the member finds it -------------------------------------------------------


def _registered(event, person, capture):
    """Register through the service and return the registration and its mail as a mail program
    reads it (bytes through the stdlib parser)."""
    mail.outbox.clear()
    with capture(execute=True):
        registration = services.registration_create(event=event, person=person, session_ids=[])
    messages = [m for m in mail.outbox if m.to == [person.email]]
    assert len(messages) == 1
    return registration, email.message_from_bytes(
        messages[0].message().as_bytes(), policy=email.policy.default
    )


def test_confirmation_mail_carries_the_link_in_its_text_the_qr_image_and_the_ics(
    django_capture_on_commit_callbacks,
):
    event = make_event()
    registration, parsed = _registered(event, MemberFactory(), django_capture_on_commit_callbacks)
    link = checkin.checkin_url(registration=registration)

    text = parsed.get_body(preferencelist=("plain",)).get_content()
    assert link in text
    images = [part for part in parsed.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_filename() == "inchecken.png"
    assert images[0].get_payload(decode=True).startswith(b"\x89PNG")
    calendar = next(part for part in parsed.walk() if part.get_content_type() == "text/calendar")
    vevent = icalendar.Calendar.from_ical(calendar.get_payload(decode=True)).walk("VEVENT")[0]
    assert link in str(vevent.get("description"))
    # The link checks in: what a door phone reads from the QR image is this link.
    assert checkin.registration_check_in_by_code(event=event, code=link, actor=None).attended


def test_a_waiting_list_mail_carries_no_check_in_code(django_capture_on_commit_callbacks):
    event = make_event(capacity=0)
    registration, parsed = _registered(event, MemberFactory(), django_capture_on_commit_callbacks)

    assert registration.status == Registration.Status.WAITLISTED
    assert "/agenda/inchecken/" not in parsed.get_body(preferencelist=("plain",)).get_content()
    assert not [part for part in parsed.walk() if part.get_content_type() == "image/png"]


def test_my_registrations_shows_the_qr_code_of_a_confirmed_place(client):
    event = make_event()
    person = MemberFactory()
    registration = services.registration_create(event=event, person=person, session_ids=[])
    client.force_login(person.user)

    content = client.get(reverse("events:mine")).content.decode()

    assert '<svg width="' in content and 'class="segno"' in content
    assert nl("Check-in code (QR) for the door") in content
    assert registration.checkin_key not in content
