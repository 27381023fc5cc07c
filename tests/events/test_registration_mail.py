"""The registration's mail is built by the worker after commit (issue 15, "Fast under a rush"):
the POST stores a lazy outbox row in its transaction and renders nothing; the worker builds the
one mail (text, HTML, .ics, QR) when it sends it, exactly once; a row whose registration is gone
is skipped with the reason, not sent and not crashed on."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils.translation import gettext

from events import emails, services
from events.models import Registration
from tests.factories import MemberFactory
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_send_batch, mail_sweep

from .conftest import make_event, sessions_of

pytestmark = pytest.mark.django_db


def test_the_post_renders_no_mail_and_the_worker_sends_exactly_one_correct_mail(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    event = make_event(rounds=2, title="Najaarscongres")
    rounds = sessions_of(event)
    person = MemberFactory(first_name="Fleur")
    client.force_login(person.user)
    rendered: list[str] = []

    def seen(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(seen)
    real_qr = emails.checkin_qr_png
    qr_calls: list[str] = []
    monkeypatch.setattr(emails, "checkin_qr_png", lambda *, url: qr_calls.append(url) or real_qr(url=url))
    try:
        with django_capture_on_commit_callbacks(execute=False) as after_commit:
            response = client.post(
                reverse("events:register", args=[event.slug]),
                {"round_1": rounds[0][1].pk, "round_2": rounds[1][0].pk, "remarks": ""},
            )
        assert response.status_code == 302
        assert not [name for name in rendered if name.startswith("events/email/")]  # nothing rendered
        assert qr_calls == []
        row = OutgoingMail.objects.get(to=person.email)
        assert (row.kind, row.status, row.body_text, row.attachments) == (
            "events.registration.confirmed",
            "queued",
            "",
            [],
        )
        assert row.build["status"] == "confirmed" and "Najaarscongres" in row.subject
        assert mail.outbox == []

        for callback in after_commit:  # the worker's turn: the task after commit (eager here)
            callback()
    finally:
        template_rendered.disconnect(seen)

    assert "events/email/registration.txt" in rendered and len(qr_calls) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject == row.subject
    assert "Fleur" in message.body and "Workshop 1.2" in message.body and "Workshop 2.1" in message.body
    names = [name for name, _content, _type in message.attachments]
    assert names == ["uitnodiging.ics", "inchecken.png"]
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    assert calendar["METHOD"] == "REQUEST"
    row.refresh_from_db()
    assert row.status == "sent" and row.build is None
    assert "Workshop 1.2" in row.body_text and [a["filename"] for a in row.attachments] == names

    # A second task for the row, or the sweep, sends nothing more.
    mail_send_batch(mail_ids=[row.pk])
    mail_sweep(older_than=timedelta(0))
    assert len(mail.outbox) == 1


def test_a_waitlisted_registration_gets_the_waiting_list_mail_as_decided(django_capture_on_commit_callbacks):
    event = make_event(rounds=1, session_capacity=1)
    workshop = sessions_of(event)[0][0]
    services.registration_create(event=event, person=MemberFactory(), session_ids=[workshop.pk])
    person = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.registration_create(event=event, person=person, session_ids=[workshop.pk])

    assert second.status == Registration.Status.WAITLISTED
    message = mail.outbox[-1]
    assert message.to == [person.email]
    assert "“Workshop 1.1”" in message.body and message.attachments == []
    assert OutgoingMail.objects.get(to=person.email).kind == "events.registration.waitlisted"


def test_a_lazy_mail_whose_registration_is_gone_is_skipped_with_the_reason():
    event = make_event()
    gone = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    kept = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    rows = {row.to: row for row in OutgoingMail.objects.all()}
    Registration.objects.filter(pk=gone.pk).delete()

    results = mail_send_batch(mail_ids=[row.pk for row in rows.values()])

    skipped = OutgoingMail.objects.get(to=gone.person.email)
    assert results[skipped.pk] == OutgoingMail.Status.SKIPPED
    reason = gettext("Not sent: the registration it was about no longer exists.")  # in the site's language
    assert skipped.status == "skipped" and skipped.error == reason and skipped.build is None
    assert [message.to for message in mail.outbox] == [[kept.person.email]]
    assert OutgoingMail.objects.get(to=kept.person.email).status == "sent"
    # The sweep hands over queued rows only: the skipped one stays as it is.
    mail_sweep(older_than=timedelta(0))
    assert len(mail.outbox) == 1


def test_a_mail_whose_building_raises_holds_back_no_other_and_ends_failed_after_its_attempts(
    monkeypatch, settings
):
    """A fault in building one row (a template error, say) must not stop the batch nor be retried
    for ever: the other rows go out, the faulty one waits with the back-off, and after
    MAIL_BUILD_ATTEMPTS it ends failed, still lazy so a resend after the fix builds it afresh."""
    settings.MAIL_BUILD_ATTEMPTS = 2
    event = make_event()
    faulty = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    fine = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    rows = {row.to: row for row in OutgoingMail.objects.all()}
    real_render = emails.registration_mail_render

    def render(*, registration, **kwargs):
        if registration.pk == faulty.pk:
            raise RuntimeError("template fault")
        return real_render(registration=registration, **kwargs)

    monkeypatch.setattr(emails, "registration_mail_render", render)

    results = mail_send_batch(mail_ids=[row.pk for row in rows.values()])

    bad = OutgoingMail.objects.get(to=faulty.person.email)
    assert results[bad.pk] is None
    assert (bad.status, bad.attempts, bad.build is not None) == ("queued", 1, True)
    assert bad.next_attempt_at is not None  # waits with the back-off
    assert [message.to for message in mail.outbox] == [[fine.person.email]]

    OutgoingMail.objects.filter(pk=bad.pk).update(next_attempt_at=None)  # its time has come
    assert mail_send_batch(mail_ids=[bad.pk])[bad.pk] == OutgoingMail.Status.FAILED
    bad.refresh_from_db()
    fault = gettext(  # in the site's language
        "Not sent: the mail could not be built (a fault in the application, logged). "
        "Resend it once the fault is fixed."
    )
    assert bad.status == "failed" and bad.build is not None and bad.error == fault
    mail_sweep(older_than=timedelta(0))
    assert len(mail.outbox) == 1  # not tried again

    # The fault fixed, the secretariat resends it: built afresh and sent once.
    monkeypatch.setattr(emails, "registration_mail_render", real_render)
    from vzhg.mail.services import mail_resend

    mail_resend(mail_ids=[bad.pk])
    mail_send_batch(mail_ids=[bad.pk])
    assert [message.to for message in mail.outbox][-1] == [faulty.person.email]
    assert OutgoingMail.objects.get(pk=bad.pk).status == "sent"
