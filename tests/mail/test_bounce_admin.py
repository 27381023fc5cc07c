"""Staff see the undeliverable addresses with the reason, and the Secretariaat can reset one
(recorded in its history); staff without the permission cannot. Invitations skip them too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from events import invitations
from events.models import Invitation
from members import services as member_services
from tests.events.staff_factories import EventFactory
from tests.factories import PersonFactory, UserFactory
from vzhg.mail.bounces import bounce_kind, bounce_record
from vzhg.mail.models import Bounce, BouncedAddress, OutgoingMail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def undeliverable():
    return bounce_record(
        email="Weg@Gemeente-Voorbeeld.nl",
        kind=Bounce.Kind.HARD,
        status="5.1.1",
        reason="550 5.1.1 User unknown",
        about="m:1",
        fingerprint="f" * 64,
    )


def _staff(client, *, secretariat: bool):
    user = UserFactory(is_staff=True)
    if secretariat:
        user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def test_the_kind_of_a_bounce_follows_its_status():
    assert [bounce_kind(status=s) for s in ("5.1.1", "5.1.10", "5.2.1", "", "5.2.2", "4.4.1", "5.7.1")] == [
        "hard", "hard", "hard", "hard", "soft", "soft", "soft",
    ]  # fmt: skip


def test_staff_see_the_undeliverable_address_with_its_reason(client, undeliverable):
    _staff(client, secretariat=True)
    response = client.get(reverse("admin:mail_bouncedaddress_changelist") + "?undeliverable=yes")
    assert response.status_code == 200
    assert "weg@gemeente-voorbeeld.nl" in response.text and "550 5.1.1 User unknown" in response.text
    detail = client.get(reverse("admin:mail_bouncedaddress_change", args=[undeliverable.pk]))
    assert "m:1" in detail.text  # the bounce itself, with the message it answered


def test_the_secretariat_resets_an_address_and_it_is_recorded(client, undeliverable):
    user = _staff(client, secretariat=True)
    response = client.post(
        reverse("admin:mail_bouncedaddress_changelist"),
        {"action": "reset_selected", "_selected_action": [undeliverable.pk]},
        follow=True,
    )
    assert "1 address reset; mail to it is sent again." in [str(m) for m in response.context["messages"]]
    undeliverable.refresh_from_db()
    assert not undeliverable.undeliverable and undeliverable.hard_bounces == 0
    last = undeliverable.history.first()
    assert (last.history_user, last.history_change_reason) == (user, "reset by staff")
    assert undeliverable.bounces.count() == 1  # what happened stays


def test_staff_without_the_permission_cannot_reset(client, undeliverable):
    _staff(client, secretariat=False)
    user = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_bouncedaddress"))
    client.force_login(user)
    page = client.get(reverse("admin:mail_bouncedaddress_changelist"))
    assert page.status_code == 200 and "reset_selected" not in page.text
    client.post(
        reverse("admin:mail_bouncedaddress_changelist"),
        {"action": "reset_selected", "_selected_action": [undeliverable.pk]},
    )
    undeliverable.refresh_from_db()
    assert undeliverable.undeliverable


def test_invitations_skip_undeliverable_people_and_say_how_many(
    client, undeliverable, django_capture_on_commit_callbacks
):
    user = _staff(client, secretariat=True)
    event = EventFactory()
    gone = PersonFactory(email="weg@gemeente-voorbeeld.nl")
    here = PersonFactory(email="hier@gemeente-voorbeeld.nl")
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations.invitation_send(event=event, people=[gone, here], actor=user)
    assert (result.created, result.undeliverable) == (1, 1)
    assert list(Invitation.objects.filter(event=event).values_list("person", flat=True)) == [here.pk]
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["hier@gemeente-voorbeeld.nl"]

    response = client.post(
        reverse("admin:events_event_invitations", args=[EventFactory().pk]),
        {"audience": "people", "people": [gone.pk, here.pk], "send": "1"},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "1 person was skipped: their address is undeliverable (bounced)." in shown


def test_a_reset_address_is_mailed_again(undeliverable):
    from vzhg.mail.bounces import bounced_address_reset, email_undeliverable

    assert email_undeliverable("WEG@gemeente-voorbeeld.nl") is not None
    assert bounced_address_reset(address=undeliverable) is True
    assert email_undeliverable("weg@gemeente-voorbeeld.nl") is None
    assert bounced_address_reset(address=undeliverable) is False
    assert BouncedAddress.objects.get().last_bounce_at <= timezone.now()
