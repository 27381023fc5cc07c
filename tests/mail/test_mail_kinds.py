"""Every kind of mail the app sends, with `&`, `'` and `<` in its data (event title, body name,
person name), read back with the standard library's e-mail parser the way a mail program reads
it: the subject and the text/plain part carry the raw characters, never HTML entities; the
text/html part escapes them; every kind has both parts, and the HTML part a real <title> and
<html lang="nl">.

The kinds are found in the code (every `kind=` given to the outbox): a new kind fails
`test_every_mail_kind_in_the_code_is_tested` until it is sent below."""

import ast
import datetime
import email
import email.policy
import re
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone, translation

from events import emails as event_emails
from events import invitations, lifecycle, reminders
from events.models import Registration
from governance.board import services as board_services
from governance.models import Body, Mandate, Meeting
from newsletters.services import editions as newsletter_editions
from newsletters.services import sending as newsletter_sending
from newsletters.services import subscriptions as newsletter_subscriptions
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, UserFactory
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
APPS = ("members", "events", "governance", "newsletters", "messaging", "vzhg")
# A person's name, an event's title and a body's name as members and staff may type them.
NAME = "Zoë O'Neil & <Co>"
TITLE = "Bestuur & Veiligheid: 'samen' <sterk>"
BODY = "Bestuur & Veiligheid 'AB' <2026>"
RAW = ("&", "'", "<")
ENTITIES = re.compile(r"&(amp|lt|gt|quot|#x27|#39|apos);")
REGISTRATION_KINDS = ("confirmed", "waitlisted", "promoted", "changed", "cancelled")
ACCOUNT_TEMPLATES = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (ROOT / "templates/account/email").glob("*_subject.txt")
)
# The kinds this test sends, each by the service that sends it (below).
KINDS = {
    *(f"events.registration.{kind}" for kind in REGISTRATION_KINDS),
    "events.workshop.assigned",
    "events.workshop.allocated",
    "events.invitation",
    "events.invitation.test",
    "events.reminder",
    "events.cancelled",
    "events.updated",
    "governance.meeting.published",
    "governance.meeting.reminder",
    "governance.meeting.convocation",
    "governance.convocation.reminder",
    "governance.documents.added",
    "governance.recommendation.decided",
    "newsletters.subscription.confirm",
    "newsletters.test",
    "members.account",
    "messaging.message.sent",
    "messaging.message.test",
}


def _kind_expressions() -> set[str]:
    """Every `kind=` handed to mail_queue / mail_queue_lazy / mail_lazy_change /
    mail_queue_message / registration_mail_queue / registration_mail_redecide in the app,
    and to events.mailings._outgoing (the rows a mailing task bulk-inserts into the outbox)."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.parent == ROOT / "vzhg" / "mail":  # the outbox itself
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                if name in (
                    "mail_queue",
                    "mail_queue_lazy",  # a row the worker builds when it sends it (issue 15)
                    "mail_lazy_change",  # such a row, decided otherwise before commit
                    "registration_mail_redecide",
                    "mail_queue_message",
                    "registration_mail_queue",
                    "_outgoing",
                ):
                    for keyword in node.keywords:
                        if keyword.arg == "kind":
                            found.add((name, ast.unparse(keyword.value)))
    return found


# How each `kind=` expression in the code expands to the kinds above.
EXPRESSIONS = {
    ("mail_queue", "WORKSHOP_MAIL_KINDS.get(kind, f'{MAIL_KIND}.{kind}')"): {
        "events.workshop.assigned",
        "events.workshop.allocated",
        *(f"events.registration.{k}" for k in REGISTRATION_KINDS),
    },
    # registration_mail_queue(lazy=True): the same kinds, built by the worker (events.emails)
    ("mail_queue_lazy", "WORKSHOP_MAIL_KINDS.get(kind, f'{MAIL_KIND}.{kind}')"): {
        "events.registration.confirmed",
        "events.registration.waitlisted",
    },
    # a lazy row of registration_create decided otherwise under the event lock (the same kinds)
    ("mail_lazy_change", "WORKSHOP_MAIL_KINDS.get(kind, f'{MAIL_KIND}.{kind}')"): {
        "events.registration.confirmed",
        "events.registration.waitlisted",
    },
    ("registration_mail_redecide", "_mail_kind(status)"): set(),
    ("registration_mail_queue", "'workshop'"): set(),
    # the allocation's results, rendered by events.emails.registration_mail_render (kind "allocated")
    ("_outgoing", "'events.workshop.allocated'"): {"events.workshop.allocated"},  # events.allocation_send
    ("registration_mail_queue", "_mail_kind(registration.status)"): set(),
    ("registration_mail_queue", "'changed'"): set(),
    ("registration_mail_queue", "'cancelled'"): set(),
    ("registration_mail_queue", "'promoted'"): set(),
    ("_outgoing", "'events.cancelled'"): {"events.cancelled"},
    ("_outgoing", "'events.invitation'"): {"events.invitation"},
    ("mail_queue", "'events.updated'"): {"events.updated"},
    ("mail_queue", "'events.invitation.test'"): {"events.invitation.test"},
    ("mail_queue", "'events.reminder'"): {"events.reminder"},
    ("mail_queue", "f'governance.meeting.{kind}'"): {
        "governance.meeting.published",
        "governance.meeting.reminder",
    },
    ("mail_queue", "KIND_MAIL[kind]"): {
        "governance.meeting.convocation",
        "governance.convocation.reminder",
    },
    ("mail_queue", "'governance.documents.added'"): {"governance.documents.added"},
    ("mail_queue", "'governance.recommendation.decided'"): {"governance.recommendation.decided"},
    ("mail_queue", "'newsletters.test'"): {"newsletters.test"},
    ("mail_queue", "'newsletters.subscription.confirm'"): {"newsletters.subscription.confirm"},
    ("mail_queue_message", "'members.account'"): {"members.account"},
    ("_outgoing", "'messaging.message.sent'"): {"messaging.message.sent"},  # messaging.sending
    ("mail_queue", "'messaging.message.test'"): {"messaging.message.test"},
}


def test_every_mail_kind_in_the_code_is_tested():
    """A new kind of mail (or a new way of naming one) must be added to this test and sent in it."""
    found = _kind_expressions()
    assert found == set(EXPRESSIONS), f"untested mail kinds: {found - set(EXPRESSIONS)}"
    assert set().union(*EXPRESSIONS.values()) <= KINDS


def parse(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def check(message, *, expect: tuple[str, ...]) -> None:
    """One sent message as a mail program reads it."""
    parsed = parse(message)
    subject = str(parsed["Subject"])
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and html is not None, f"{subject}: needs a text and an HTML part"
    text, html = text.get_content(), html.get_content()
    for label, plain in (("subject", subject), ("text", text)):
        assert not ENTITIES.search(plain), (
            f"{subject!r}: HTML entity in the {label}: {ENTITIES.search(plain)[0]}"
        )
    for raw in expect:
        assert raw in subject + "\n" + text, f"{subject!r}: {raw!r} missing from subject and text"
    # The HTML part escapes what it shows: the raw `<...>` of the data never reaches it as a tag.
    assert "<Co>" not in html and "<sterk>" not in html and "<2026>" not in html, subject
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and title[1].strip(), f"{subject!r}: the HTML part needs a real <title>"
    assert re.search(r'<html[^>]* lang="nl"', html), f'{subject!r}: the HTML part needs lang="nl"'


def sent(kind: str) -> list:
    """The messages of one kind that left the outbox (the worker runs inline in these tests)."""
    subjects = set(OutgoingMail.objects.filter(kind=kind).values_list("subject", flat=True))
    assert subjects, f"no mail of kind {kind}"
    return [message for message in mail.outbox if message.subject in subjects]


@pytest.fixture(autouse=True)
def _dutch(settings):
    """The mails in the site's language (an earlier test may have left another one active)."""
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


@pytest.fixture
def member():
    return MemberFactory(first_name=NAME, last_name="de <Vries> & 'Zn'")


def test_registration_mails(member, django_capture_on_commit_callbacks):
    event = EventFactory(title=TITLE, venue_name="Zaal 'De Doelen' & <foyer>")
    registration = RegistrationFactory(event=event, person=member)
    with django_capture_on_commit_callbacks(execute=True):
        for kind in REGISTRATION_KINDS:
            if kind == "waitlisted":
                event_emails.registration_mail_queue(
                    registration=registration, kind=kind, reason=("event_full", "")
                )
            else:
                event_emails.registration_mail_queue(registration=registration, kind=kind)
        event_emails.registration_mail_queue(registration=registration, kind="workshop")
        event_emails.registration_mail_queue(registration=registration, kind="allocated")
    for kind in REGISTRATION_KINDS:
        [message] = sent(f"events.registration.{kind}")
        check(message, expect=(TITLE, NAME))
    for kind in ("events.workshop.assigned", "events.workshop.allocated"):
        [message] = sent(kind)
        check(message, expect=(TITLE, NAME))


def test_invitation_reminder_and_cancellation_mails(member, django_capture_on_commit_callbacks):
    now = timezone.now()
    event = EventFactory(title=TITLE, starts_at=now + datetime.timedelta(days=1, hours=12), reminder_days=2)
    RegistrationFactory(event=event, person=member, status=Registration.Status.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_send(event=event, people=[member], actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.event_cancel(event=event, actor=UserFactory(is_staff=True))
    for kind in ("events.invitation", "events.reminder", "events.cancelled"):
        [message] = sent(kind)
        check(message, expect=(TITLE, NAME))


def test_invitation_in_own_words_and_its_test_mail(member, django_capture_on_commit_callbacks):
    """The secretariat's own subject and Markdown text, with merge fields and its own `&`, `'`
    and `<`, above the fixed block; the test mail to the secretariat is the same mail."""
    event = EventFactory(title=TITLE)
    subject = "{evenement}: 'uitnodiging' & meer"
    body = "Over **{evenement}** voor {gemeente}: 'samen' & <sterk>."
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_test_send(
            event=event, person=member, to="test@vzhg.nl", actor=None, subject=subject, body=body
        )
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_send(event=event, people=[member], actor=None, subject=subject, body=body)
    for kind in ("events.invitation.test", "events.invitation"):
        [message] = sent(kind)
        check(message, expect=(TITLE, NAME, "'uitnodiging' & meer", "'samen' & ."))


def test_event_update_mail(member, django_capture_on_commit_callbacks):
    """The secretariat moved the event: confirmed registrants get the new details with the .ics."""
    from events.lifecycle import event_update_notify

    event = EventFactory(
        title=TITLE, starts_at=timezone.now() + datetime.timedelta(days=5), venue_name="Zaal 'A' & <B>"
    )
    RegistrationFactory(event=event, person=member, status=Registration.Status.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_update_notify(event=event) == 1
    [message] = sent("events.updated")
    check(message, expect=(TITLE, NAME))


def test_meeting_mails(member, django_capture_on_commit_callbacks):
    body = Body.objects.create(name=BODY, slug="bv", kind=Body.Kind.AB, order=1)
    Mandate.objects.create(person=member, body=body, role=Mandate.Role.LID, start=datetime.date(2024, 1, 1))
    meeting = Meeting.objects.create(
        body=body,
        title=TITLE,
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        location="VNG & 'Huis' <Den Haag>",
        status=Meeting.Status.CONCEPT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_publish(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_reminders_send()
    for kind in ("governance.meeting.published", "governance.meeting.reminder"):
        [message] = sent(kind)
        check(message, expect=(TITLE, BODY, NAME))  # "Beste <first name>": a policy officer


def test_convocation_and_late_document_mails(member, django_capture_on_commit_callbacks):
    """An ALV convoked to a municipality's griffier, a reminder to respond, and a late document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from demo.samples import sample_pdf
    from governance.board import convocation, documents
    from members.models import Person

    municipality = member.organisation
    municipality.name = "Gemeente 'Noord' & <Zuid>"
    municipality.save()
    member.function = Person.Function.GRIFFIER
    member.save()
    body = Body.objects.create(name=BODY, slug="alv", kind=Body.Kind.ALV, order=1)
    meeting = Meeting.objects.create(
        body=body,
        title=TITLE,
        starts_at=timezone.now() + datetime.timedelta(days=20),
        event=EventFactory(title=TITLE),
    )
    item = meeting.items.create(order=1, title="Jaarrekening & 'begroting'")
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_publish(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        convocation.meeting_convocation_remind(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        documents.document_add(
            item=item,
            title="Stuk 'A' & <B>",
            uploaded=SimpleUploadedFile("a.pdf", sample_pdf(title="A"), "application/pdf"),
        )
    for kind in ("governance.meeting.convocation", "governance.convocation.reminder"):
        [message] = sent(kind)
        check(message, expect=(TITLE, member.full_name, municipality.name))
    [late] = sent("governance.documents.added")
    check(late, expect=(TITLE, "Stuk 'A' & <B>"))


def test_recommendation_mail(member, django_capture_on_commit_callbacks):
    """A wethouder's recommendation for a VNG commission, decided by the secretariat."""
    from governance.board import recommendations
    from governance.models import VngCommission
    from members.models import Person

    member.function = Person.Function.WETHOUDER
    member.save()
    commission = VngCommission.objects.create(name=BODY)
    request = recommendations.recommendation_request_create(
        person=member, commission=commission, motivation="Graag.", actor=member.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        recommendations.recommendation_request_decline(
            request=request, letter_text="Vol & 'bezet' <nu>.", actor=UserFactory()
        )
    [message] = sent("governance.recommendation.decided")
    check(message, expect=(BODY, "Vol & 'bezet' <nu>."))


def test_newsletter_mails(member, django_capture_on_commit_callbacks):
    newsletter = NewsletterFactory(title=TITLE, intro="Nieuws over 'Bestuur & Veiligheid' <live>.")
    SubscriptionFactory(email="lezer@example.org")
    actor = member.user
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_subscriptions.subscription_request(email="nieuw@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_editions.newsletter_test_send(newsletter=newsletter, actor=actor)
    [confirm] = sent("newsletters.subscription.confirm")
    check(confirm, expect=())
    [test] = sent("newsletters.test")
    check(test, expect=(TITLE, "'Bestuur & Veiligheid'"))
    # The edition itself goes straight to the relay, batch by batch, not through the outbox.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_sending.newsletter_send(newsletter=newsletter)
    [edition] = [message for message in mail.outbox if message.to == ["lezer@example.org"]]
    check(edition, expect=(TITLE, "'Bestuur & Veiligheid'"))


def test_message_mails(member, django_capture_on_commit_callbacks):
    """A message to a group (and its test mail), with the name, the event and the text's own
    `&`, `'` and `<` in the subject and the Markdown text."""
    from messaging import services as messaging_services

    event = EventFactory(title=TITLE)
    RegistrationFactory(event=event, person=member, status=Registration.Status.WAITLISTED)
    staff = UserFactory(is_staff=True)
    message = messaging_services.message_create(
        audience="events.waitlist",
        source=f"events.event:{event.pk}",
        subject="{evenement}: 'wachtlijst' & meer",
        body="{aanhef},\n\nBeste {voornaam}, over **{evenement}**: 'samen' & <sterk>.",
        actor=staff,
    )
    with django_capture_on_commit_callbacks(execute=True):
        messaging_services.message_test_send(
            message=message, as_person=member, addresses=["test@vzhg.nl"], actor=staff
        )
    with django_capture_on_commit_callbacks(execute=True):
        messaging_services.message_send(message_id=message.pk, actor=staff)
    for kind in ("messaging.message.test", "messaging.message.sent"):
        [message_sent] = sent(kind)
        check(message_sent, expect=(TITLE, NAME, "'wachtlijst' & meer"))


@pytest.mark.parametrize("template", ACCOUNT_TEMPLATES)
def test_account_mails(member, template, django_capture_on_commit_callbacks):
    """allauth's mails, each template with everything any of them may show."""
    user = member.user
    context = {
        "user": user,
        "code": "ABC123",
        "activate_url": "https://vzhg.example/bevestig/1/",
        "password_reset_url": "https://vzhg.example/reset/1/",
        "signup_url": "https://vzhg.example/aanmelden/",
        "from_email": "oud&<x>@example.org",
        "to_email": "nieuw&<x>@example.org",
        "deleted_email": "weg&<x>@example.org",
        "ip": "192.0.2.1",
        "user_agent": "Firefox 'Test' & <Co>",
        "timestamp": timezone.now(),
    }
    request = RequestFactory().get("/")
    with django_capture_on_commit_callbacks(execute=True), allauth_context.request_context(request):
        get_adapter().send_mail(f"account/email/{template}", user.email, {**context, "request": request})
    [message] = sent("members.account")
    check(message, expect=(NAME,))


# Included from the HTML part too, so it must escape there; the text templates that include it
# switch escaping off around it.
SHARED_WITH_HTML = {"account/email/_greeting.txt"}
MAIL_TEXT_TEMPLATES = sorted(
    path
    for folder in (
        "account/email",
        "events/email",
        "events/staff/mail",
        "governance/email",
        "newsletters/mail",
    )
    for path in (ROOT / "templates" / folder).glob("*.txt")
    if f"{folder}/{path.name}" not in SHARED_WITH_HTML
)


@pytest.mark.parametrize("path", MAIL_TEXT_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_every_mail_text_template_renders_unescaped(path):
    """A text template (body or subject) switches escaping off, itself or in the one it extends."""
    name = str(path.relative_to(ROOT / "templates"))
    source = path.read_text()
    while "{% autoescape off %}" not in source and (parent := re.search(r'{% extends "([^"]+)" %}', source)):
        source = (ROOT / "templates" / parent[1]).read_text()
    assert "{% autoescape off %}" in source, f"{name} would write &amp; and &#x27; into a plain-text mail"
