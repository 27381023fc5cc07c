"""Privacy: registrations are anonymised EVENTS_RETENTION_MONTHS after their event; the counts per
municipality survive for the annual report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events import lifecycle, reminders, retention, tasks
from events.models import Registration
from members import services as member_services
from members.models import Person
from tests.events.conftest import built
from tests.events.staff_factories import EventFactory, RegistrationFactory, SessionChoiceFactory, nl
from tests.factories import MemberFactory, MunicipalityFactory, PersonFactory, UserFactory
from tests.members.test_retention import _delete as person_delete

pytestmark = pytest.mark.django_db


def _event_ended(months_ago: int, days: int = 0):
    ends = timezone.now() - datetime.timedelta(days=months_ago * 31 + days)
    return EventFactory(starts_at=ends - datetime.timedelta(hours=3), ends_at=ends)


def test_old_registrations_lose_the_person_and_remarks_but_keep_the_organisation(settings):
    settings.EVENTS_RETENTION_MONTHS = 24
    delft = MunicipalityFactory(name="Delft")
    old = _event_ended(25)
    recent = _event_ended(23)
    gone = RegistrationFactory(
        event=old, person=MemberFactory(organisation=delft), remarks="glutenvrij", attended=True
    )
    choice = SessionChoiceFactory(registration__event=old, session__round__event=old)
    kept = RegistrationFactory(event=recent, remarks="rolstoel")

    assert tasks.events_registrations_anonymise.delay().get() == 2

    gone.refresh_from_db()
    assert gone.person is None and gone.remarks == "" and gone.anonymised_at is not None
    assert gone.organisation == delft and gone.attended
    assert Person.objects.filter(pk=gone.person_id or 0).count() == 0
    choice.refresh_from_db()  # the workshop choice stays (it names no one): workshop counts survive
    assert choice.registration.person is None
    kept.refresh_from_db()
    assert kept.person is not None and kept.remarks == "rolstoel" and kept.anonymised_at is None
    # Running again changes nothing.
    assert retention.registrations_anonymise() == 0


def test_the_period_is_a_setting(settings):
    settings.EVENTS_RETENTION_MONTHS = 6
    registration = RegistrationFactory(event=_event_ended(7))
    assert retention.registrations_anonymise() == 1
    registration.refresh_from_db()
    assert registration.person is None


def test_counts_per_municipality_survive_anonymisation(client):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    event = _event_ended(30)
    gouda = MunicipalityFactory(name="Gouda")
    for _ in range(3):
        RegistrationFactory(event=event, person=MemberFactory(organisation=gouda))
    url = reverse("admin:events_event_municipalities", args=[event.pk])
    before = [(r.organisation.name, r.confirmed) for r in client.get(url).context["rows"]]

    retention.registrations_anonymise()

    after = client.get(url)
    assert [(r.organisation.name, r.confirmed) for r in after.context["rows"]] == before == [("Gouda", 3)]
    assert not Registration.objects.filter(person__isnull=False).exists()
    # The registration list and its export still open, showing the anonymised rows.
    listing = client.get(reverse("admin:events_registration_changelist"), {"event__id__exact": event.pk})
    assert listing.status_code == 200 and nl("(anonymised)") in listing.content.decode()


def _mail_text(mail) -> str:
    import base64

    parts = [mail.to, mail.subject, mail.body_text, mail.body_html]
    parts += [base64.b64decode(a["content"]).decode("utf-8", "replace") for a in mail.attachments]
    return "\n".join(parts)


def test_anonymising_reaches_the_mails_and_the_admin_log(settings, django_capture_on_commit_callbacks):
    """The confirmation mail (text, HTML, .ics), a reminder, a mail queued before mail carried a
    reference and the admin log all named the person or repeated the remarks: none does after."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from events.services import registration_create
    from vzhg.mail.models import OutgoingMail
    from vzhg.mail.services import mail_queue

    settings.EVENTS_RETENTION_MONTHS = 24
    person = MemberFactory(first_name="Wilhelmina", last_name="Zonderland", email="w.zonderland@delft.nl")
    starts = timezone.now() + datetime.timedelta(days=10)
    event = EventFactory(
        title="Voorjaarscongres",
        status="published",
        audience="open",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    registration = registration_create(
        event=event, person=person, session_ids=[], remarks="Coeliakie en diabetes"
    )
    legacy = mail_queue(
        to=person.email,
        subject=f"Herinnering: {event.title}",
        text="Wilhelmina, Coeliakie en diabetes",
        kind="events.reminder",
    )
    other = mail_queue(
        to="iemand@gouda.nl", subject="Iets anders", text="Blijft staan", kind="events.reminder"
    )
    LogEntry.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
        object_repr=str(registration),
        action_flag=CHANGE,
    )
    mails = OutgoingMail.objects.exclude(pk=other.pk)
    assert mails.count() == 2
    confirmation = built(mails.exclude(pk=legacy.pk).get())  # built as the worker does (issue 15)
    assert "Coeliakie" in confirmation.body_text and confirmation.attachments  # the copy to forget
    # The event is now long over.
    ended = timezone.now() - datetime.timedelta(days=26 * 31)
    type(event).objects.filter(pk=event.pk).update(
        starts_at=ended - datetime.timedelta(hours=3), ends_at=ended
    )

    assert retention.registrations_anonymise() == 1

    for mail in OutgoingMail.objects.exclude(pk=other.pk):
        text = _mail_text(mail)
        for secret in ("Wilhelmina", "Zonderland", "zonderland@delft.nl", "Coeliakie"):
            assert secret not in text, (mail.kind, secret)
        assert mail.content_removed_at is not None
    other.refresh_from_db()
    assert other.body_text == "Blijft staan"
    assert not LogEntry.objects.filter(object_repr__contains="Zonderland").exists()


def test_sent_mail_loses_its_content_after_the_retention_period(settings):
    from vzhg.mail import tasks as mail_tasks
    from vzhg.mail.models import OutgoingMail
    from vzhg.mail.services import mail_queue

    settings.MAIL_BODY_RETENTION_DAYS = 90
    old = mail_queue(
        to="a@delft.nl",
        subject="Oud",
        text="Naam en dieet",
        attachments=[("x.ics", b"BEGIN", "text/calendar")],
    )
    recent = mail_queue(to="b@delft.nl", subject="Nieuw", text="Nog nodig")
    queued = mail_queue(to="c@delft.nl", subject="Wacht", text="Nog te versturen")
    now = timezone.now()
    OutgoingMail.objects.filter(pk=old.pk).update(status="sent", sent_at=now - datetime.timedelta(days=91))
    OutgoingMail.objects.filter(pk=recent.pk).update(status="sent", sent_at=now - datetime.timedelta(days=89))
    OutgoingMail.objects.filter(pk=queued.pk).update(created_at=now - datetime.timedelta(days=200))

    assert mail_tasks.mail_content_purge.delay().get() == 1

    old.refresh_from_db(), recent.refresh_from_db(), queued.refresh_from_db()
    assert (old.body_text, old.attachments, old.subject) == ("", [], "Oud")
    assert recent.body_text == "Nog nodig" and queued.body_text == "Nog te versturen"
    assert settings.CELERY_BEAT_SCHEDULE["mail-content-purge"]["task"] == "vzhg.mail.tasks.mail_content_purge"


def test_every_mail_about_a_registration_names_it(django_capture_on_commit_callbacks):
    """Confirmation, reminder, cancellation by the secretariat: all traceable to the registration."""
    from events.services import registration_create
    from vzhg.mail.models import OutgoingMail

    starts = timezone.now() + datetime.timedelta(days=2)
    event = EventFactory(
        status="published",
        audience="open",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        reminder_days=3,
    )
    registration = registration_create(event=event, person=MemberFactory(), session_ids=[])
    reminders.reminders_send()
    with django_capture_on_commit_callbacks(execute=True):  # the cancellation mailing is a task
        lifecycle.event_cancel(event=event, actor=UserFactory())
    kinds = dict(OutgoingMail.objects.values_list("kind", "reference"))
    reference = f"events.registration:{registration.pk}"
    assert kinds == {
        "events.registration.confirmed": reference,
        "events.reminder": reference,
        "events.cancelled": reference,
    }


def test_a_deleted_persons_registrations_forget_them_in_their_history_too(settings):
    """Deleting a person nulls their registrations by SET_NULL (no history row); the earlier
    versions of those registrations still named them and held their remarks until the purge."""
    settings.PEOPLE_DELETED_HISTORY_DAYS = 30
    person = PersonFactory(last_name="Vergeten")
    other = PersonFactory(last_name="Blijft")
    event = EventFactory()
    gone = Registration.objects.create(event=event, person=person, remarks="Glutenvrij")
    kept = Registration.objects.create(event=event, person=other, remarks="Rolstoel")
    pk = person_delete(person, days_ago=31)
    assert Registration.history.filter(id=gone.pk, person_id=pk).exists()

    member_services.people_deleted_history_purge()

    assert not Registration.history.filter(person_id=pk).exists()
    assert not Registration.history.filter(remarks="Glutenvrij").exists()
    assert Registration.history.filter(id=kept.pk, person_id=other.pk, remarks="Rolstoel").exists()
