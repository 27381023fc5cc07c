"""SMTP failures are classified in one place (vzhg.mail.smtp) and the outbox and the newsletter
sender act on that alike: only the recipient's own refusal bounces; a relay problem (535, 554
greeting, refused sender, no connection) keeps everything queued, stops the send and shows.

The senders talk to a scripted relay on loopback (tests/mail/relays.py); tasks run inline."""

import datetime
import smtplib

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services as member_services
from newsletters.models import Delivery, Newsletter, Subscription
from newsletters.services import batches as newsletter_batches
from newsletters.services import sending as newsletter_sending
from tests.factories import UserFactory
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory
from vzhg.mail import selectors, services
from vzhg.mail.models import OutgoingMail, RelayState
from vzhg.mail.smtp import SmtpOutcome, smtp_failure_classify

from .relays import ScriptedRelay

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"), "relay"),
        (smtplib.SMTPConnectError(554, b"5.3.2 Service currently unavailable"), "relay"),
        (smtplib.SMTPSenderRefused(553, b"5.1.8 Sender address rejected", "secretariaat@vzhg.nl"), "relay"),
        (smtplib.SMTPHeloError(501, b"5.5.2 Syntax error"), "relay"),
        (smtplib.SMTPRecipientsRefused({"a@delft.nl": (550, b"5.1.1 Mailbox does not exist")}), "recipient"),
        (smtplib.SMTPRecipientsRefused({"a@delft.nl": (553, b"Mailbox name not allowed")}), "recipient"),
        (
            smtplib.SMTPRecipientsRefused({"a@delft.nl": (450, b"4.2.1 Greylisted, try again")}),
            "recipient_later",
        ),
        (smtplib.SMTPDataError(550, b"5.1.1 User unknown"), "recipient"),
        (smtplib.SMTPDataError(552, b"5.2.2 Mailbox full"), "recipient"),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"), "message"),
        (smtplib.SMTPDataError(451, b"4.3.0 Local error, try again"), "relay"),
        (ConnectionRefusedError(111, "Connection refused"), "relay"),
        (TimeoutError("timed out"), "relay"),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "relay"),
    ],
)
def test_only_the_recipients_own_refusal_is_a_bounce(exc, outcome):
    failure = smtp_failure_classify(exc)

    assert failure.outcome == SmtpOutcome(outcome)
    assert failure.bounces == (outcome == "recipient")
    assert failure.relay_failing == (outcome == "relay")


@pytest.fixture
def relay(settings):
    server = ScriptedRelay()
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = "vzhg"
    settings.EMAIL_HOST_PASSWORD = "secret"
    settings.EMAIL_TIMEOUT = 5
    settings.LANGUAGE_CODE = "en"
    yield server
    server.close()


def _relay_due_now():
    """Time passes: the relay's back-off has run out."""
    RelayState.objects.filter(pk=1).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    OutgoingMail.objects.update(next_attempt_at=None)


def _queued_edition(count):
    newsletter = NewsletterFactory()
    subscriptions = SubscriptionFactory.create_batch(count)
    newsletter_sending.newsletter_send(newsletter=newsletter)  # batches start on commit: not here
    return newsletter, subscriptions


@pytest.mark.django_db
@pytest.mark.parametrize(
    "script",
    [
        {"auth": "535 5.7.8 Authentication credentials invalid"},
        {"greeting": "554 5.3.2 Service currently unavailable"},
        {"mail": "553 5.1.8 Sender address rejected"},
    ],
    ids=["535-auth", "554-greeting", "sender-refused"],
)
def test_a_relay_refusal_bounces_nobody_and_the_edition_goes_out_when_fixed(relay, script):
    newsletter, subscriptions = _queued_edition(3)
    for key, value in script.items():
        setattr(relay.script, key, value)

    result = newsletter_batches.newsletter_send_batch(newsletter_id=newsletter.pk)

    code = next(iter(script.values()))[:3]
    assert result.sent == 0 and result.failed == 0 and result.retry_in
    assert not Subscription.objects.filter(bounced_at__isnull=False).exists()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    tried = Delivery.objects.get(attempts=1)  # the send stopped at the first failure
    assert code in tried.error
    assert Delivery.objects.filter(attempts=0).count() == 2
    state = RelayState.objects.get()
    assert state.failing_since is not None and code in state.last_error
    assert "Mail server unreachable since" in selectors.relay_notice()

    # The relay is fixed; after its back-off the edition goes on where it stopped.
    relay.script = type(relay.script)()
    _relay_due_now()
    newsletter_batches.newsletter_send_batch(newsletter_id=newsletter.pk)

    assert sorted(relay.accepted) == sorted(s.email for s in subscriptions)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert RelayState.objects.get().failing_since is None
    assert selectors.relay_notice() is None


@pytest.mark.django_db
def test_a_refusal_at_rcpt_bounces_only_that_address(relay):
    newsletter, subscriptions = _queued_edition(3)
    gone = subscriptions[1]
    relay.script.refuse = {gone.email: "550 5.1.1 Mailbox does not exist"}

    newsletter_batches.newsletter_send_batch(newsletter_id=newsletter.pk)

    assert sorted(relay.accepted) == sorted(s.email for s in subscriptions if s != gone)
    assert list(Subscription.objects.filter(bounced_at__isnull=False)) == [gone]
    assert RelayState.objects.filter(failing_since__isnull=False).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "script",
    [{"auth": "535 5.7.8 Authentication credentials invalid"}, {"greeting": "554 5.3.2 No service"}],
    ids=["535-auth", "554-greeting"],
)
def test_the_outbox_keeps_mail_queued_when_the_relay_refuses_us(relay, script):
    mail = OutgoingMail.objects.create(to="anna@gouda.nl", subject="Code", body_text="123456")
    for key, value in script.items():
        setattr(relay.script, key, value)

    services.mail_send(mail_id=mail.pk)

    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("queued", 1)
    assert next(iter(script.values()))[:3] in mail.error
    assert mail.next_attempt_at > timezone.now()
    assert RelayState.objects.get().failing_since is not None

    relay.script = type(relay.script)()
    _relay_due_now()
    services.mail_send(mail_id=mail.pk)

    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 2)
    assert relay.accepted == ["anna@gouda.nl"]


@pytest.mark.django_db
def test_the_outbox_fails_a_refused_address_at_once(relay):
    mail = OutgoingMail.objects.create(to="weg@gouda.nl", subject="Code", body_text="123456")
    relay.script.refuse = {"weg@gouda.nl": "550 5.1.1 Mailbox does not exist"}

    services.mail_send(mail_id=mail.pk)

    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("failed", 1)
    assert "5.1.1" in mail.error
    assert not RelayState.objects.filter(failing_since__isnull=False).exists()


@pytest.mark.django_db
def test_staff_clear_wrongly_recorded_bounces(client, settings):
    settings.LANGUAGE_CODE = "en"
    user = UserFactory(is_staff=True, email="secretariaat-test@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    wrongly = SubscriptionFactory.create_batch(
        2, bounced_at=timezone.now(), bounce_reason="535 5.7.8 Authentication"
    )
    newsletter = NewsletterFactory()

    response = client.post(
        reverse("admin:newsletters_subscription_changelist"),
        {"action": "clear_bounce", "_selected_action": [s.pk for s in wrongly]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 bounces cleared" in response.content.decode()
    assert not Subscription.objects.filter(bounced_at__isnull=False).exists()
    assert newsletter_sending.newsletter_send(newsletter=newsletter) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("resend", [False, True])
def test_a_row_left_sending_by_a_killed_worker_is_decided_by_the_setting(settings, resend):
    settings.MAIL_RESEND_INTERRUPTED = resend
    settings.MAIL_SENDING_STALE_SECONDS = 300
    long_ago = timezone.now() - datetime.timedelta(seconds=301)
    stale = OutgoingMail.objects.create(
        to="a@gouda.nl", subject="x", body_text="x", status=OutgoingMail.Status.SENDING, attempts=1,
        last_attempt_at=long_ago,
    )  # fmt: skip
    busy = OutgoingMail.objects.create(
        to="b@gouda.nl", subject="x", body_text="x", status=OutgoingMail.Status.SENDING, attempts=1,
        last_attempt_at=timezone.now(),
    )  # fmt: skip

    assert services.mail_interrupted_settle() == 1

    stale.refresh_from_db()
    busy.refresh_from_db()
    assert busy.status == "sending"  # still in a worker's hands
    if resend:
        assert stale.status == "queued"
    else:
        assert stale.status == "failed"
        assert stale.error == services.interrupted_reason()  # "may or may not have arrived"
        assert services.mail_resend(mail_ids=[stale.pk]) == 1
        stale.refresh_from_db()
        assert stale.status in ("queued", "sent")


@pytest.mark.django_db
def test_the_outbox_notice_says_in_dutch_that_the_relay_is_failing(client):
    user = UserFactory(is_staff=True, email="secretariaat-test@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    since = (timezone.now() - datetime.timedelta(minutes=10)).replace(second=0, microsecond=0)
    OutgoingMail.objects.bulk_create(
        [OutgoingMail(to=f"lid{n}@gouda.nl", subject="x", body_text="x") for n in range(1499)]
    )
    RelayState.objects.create(
        pk=1, failing_since=since, failures=3, last_error="ConnectionRefusedError(111, 'Connection refused')",
        next_attempt_at=since + datetime.timedelta(minutes=7),
    )  # fmt: skip

    response = client.get(reverse("admin:mail_outgoingmail_changelist"), headers={"accept-language": "nl"})

    page = response.content.decode()
    local = timezone.localtime(since)
    expected = (
        f"Mailserver onbereikbaar sinds {local:%H:%M}, 1.499 berichten wachten, volgende poging "
        f"{timezone.localtime(since + datetime.timedelta(minutes=7)):%H:%M}."
    )
    if local.date() == timezone.localdate():
        assert expected in page
    assert "Connection refused" in page


@pytest.mark.django_db
def test_the_newsletter_progress_shows_the_failing_relay_and_resends_failed_deliveries_once(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail as django_mail

    user = UserFactory(is_staff=True, email="secretariaat-test@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    newsletter = NewsletterFactory(title="Editie december", status=Newsletter.Status.SENDING)
    waiting, gave_up, bounced = SubscriptionFactory.create_batch(3)
    Subscription.objects.filter(pk=bounced.pk).update(bounced_at=timezone.now(), bounce_reason="550 5.1.1")
    Delivery.objects.create(newsletter=newsletter, subscription=waiting)
    Delivery.objects.create(
        newsletter=newsletter, subscription=gave_up, status="failed", error="Opgegeven na 3 dagen"
    )
    Delivery.objects.create(newsletter=newsletter, subscription=bounced, status="failed", error="550 5.1.1")
    RelayState.objects.create(
        pk=1, failing_since=timezone.now() - datetime.timedelta(minutes=5), failures=2,
        last_error="ConnectionRefusedError(111, 'Connection refused')",
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1),
    )  # fmt: skip
    url = reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])

    page = client.get(url).content.decode()

    assert "Mailserver onbereikbaar sinds" in page
    assert "1 bericht wacht, volgende poging" in page

    form = {
        "sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0", "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000", "_resend_failed": "1",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form, follow=True)  # the second click

    # The relay was due for a try and works (locmem): the waiting and the resent delivery went
    # out once each; the bounced address was left alone.
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted([waiting.email, gave_up.email])
    assert Delivery.objects.get(subscription=bounced).status == "failed"
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert "Mailserver onbereikbaar" not in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("outage_minutes", "alerted"), [(20, True), (5, False)])
def test_staff_are_mailed_when_the_relay_works_again_after_a_long_outage(
    relay, settings, outage_minutes, alerted
):
    settings.MAIL_ALERT_TO = "ict@vzhg.nl"
    settings.MAIL_ALERT_AFTER_SECONDS = 900
    RelayState.objects.create(
        pk=1, failing_since=timezone.now() - datetime.timedelta(minutes=outage_minutes), failures=4,
        last_error="ConnectionRefusedError(111, 'Connection refused')",
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1),
    )  # fmt: skip
    mail = OutgoingMail.objects.create(to="anna@gouda.nl", subject="Code", body_text="123456")

    assert services.mail_send(mail_id=mail.pk) == "sent"

    alerts = OutgoingMail.objects.filter(kind="mail.relay.recovered")
    assert RelayState.objects.get().failing_since is None
    if alerted:
        [alert] = alerts
        assert alert.to == "ict@vzhg.nl"
        assert "Connection refused" in alert.body_text
    else:
        assert not alerts.exists()
