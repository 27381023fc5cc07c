"""No staff member may ever read a secret meant for someone else (issue 10, item 1).

Login codes, password-reset links, sign-up codes and newsletter opt-in links are mailed through
the outbox. The Secretariaat group may view the outbox (to see failures), but no page it can
open — the outbox list and change pages, their history, every other admin list it may view, its
own data export — shows a usable code or link for another account.
"""

import re

import pytest
from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from members import services as member_services
from tests.factories import UserFactory
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db

CODE_LINE = re.compile(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})*)\s*$", re.MULTILINE)
RESET_LINK = re.compile(r"/account/password/reset/key/([^/\s]+)/")
CONFIRM_LINK = re.compile(r"/nieuwsbrief/bevestigen/([^/\s]+)/")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _secrets_mailed(client, django_capture_on_commit_callbacks) -> dict[str, str]:
    """Ask, as anyone on the internet can, for every kind of secret for the superuser's address."""
    UserFactory(email="baas@vzhg.nl", is_staff=True, is_superuser=True)
    secrets = {}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/login/code/", {"email": "baas@vzhg.nl"})
    secrets["login code"] = CODE_LINE.search(mail.outbox[-1].body).group(1)
    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/password/reset/", {"email": "baas@vzhg.nl"})
    secrets["reset key"] = RESET_LINK.search(mail.outbox[-1].body).group(1)
    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/signup/", {"email": "nieuw@delft.nl"})
    secrets["sign-up code"] = CODE_LINE.search(mail.outbox[-1].body).group(1)
    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:subscribe"), {"email": "lezer@gouda.nl"})
    secrets["opt-in token"] = CONFIRM_LINK.search(mail.outbox[-1].body).group(1)
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 4
    return secrets


def _admin_pages_for(user) -> list[str]:
    """Every admin list the user may view, and the change and history page of every outbox row."""
    urls = ["/admin/"]
    for model in admin.site._registry:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    for row in OutgoingMail.objects.all():
        urls += [
            reverse("admin:mail_outgoingmail_change", args=[row.pk]),
            reverse("admin:mail_outgoingmail_history", args=[row.pk]),
        ]
    urls.append(reverse("admin:mail_outgoingmail_changelist") + "?q=baas")
    urls.append(reverse("admin:mail_outgoingmail_changelist") + "?status=sent&kind=members.account")
    try:
        urls.append(reverse("members:profile_export"))
    except NoReverseMatch:
        pass
    return urls


def test_the_secretariat_cannot_read_any_code_or_link_meant_for_another_account(
    client, django_capture_on_commit_callbacks
):
    secrets = _secrets_mailed(client, django_capture_on_commit_callbacks)
    secretary = UserFactory(email="secretariaat@vzhg.nl", is_staff=True)
    secretary.groups.add(member_services.secretariat_group_ensure())
    client.cookies.clear()
    client.force_login(secretary)

    urls = _admin_pages_for(secretary)
    assert len(urls) > 15
    seen_outbox = False
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        page = response.content.decode()
        seen_outbox |= "baas@vzhg.nl" in page
        for what, secret in secrets.items():
            assert secret not in page, f"{what} readable on {url}"
    assert seen_outbox  # the secretariat still sees that the mails went out, and to whom


def test_account_mails_carry_no_code_in_the_subject_and_keep_no_content(
    client, django_capture_on_commit_callbacks
):
    secrets = _secrets_mailed(client, django_capture_on_commit_callbacks)
    for message in mail.outbox:
        for secret in secrets.values():
            assert secret not in message.subject
    for row in OutgoingMail.objects.all():
        assert row.sensitive and row.content_removed_at is not None
        assert (row.body_text, row.body_html, row.attachments) == ("", "", [])
        for secret in secrets.values():
            assert secret not in row.subject


def test_the_content_of_a_mail_with_a_secret_is_never_shown_even_before_it_left(client):
    from vzhg.mail.services import mail_queue

    row = mail_queue(to="baas@vzhg.nl", subject="Code", text="Je code: GEHEIM-1234", sensitive=True)
    plain = mail_queue(to="lid@delft.nl", subject="Bevestiging", text="Je aanmelding staat")
    secretary = UserFactory(is_staff=True)
    secretary.groups.add(member_services.secretariat_group_ensure())
    client.force_login(secretary)

    page = client.get(reverse("admin:mail_outgoingmail_change", args=[row.pk])).content.decode()
    assert "GEHEIM-1234" not in page
    assert (
        "Je aanmelding staat"
        in client.get(reverse("admin:mail_outgoingmail_change", args=[plain.pk])).content.decode()
    )


def test_the_migration_takes_codes_out_of_mail_stored_before_it():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("vzhg.mail.migrations.0002_outgoingmail_sensitive_reference")
    sent = OutgoingMail.objects.create(
        kind="account",  # the name of the kind before migration mail 0004
        to="baas@vzhg.nl",
        subject="[VZHG] Je inlogcode: ABCD-EFGH",
        body_text="ABCD-EFGH",
        status=OutgoingMail.Status.SENT,
    )
    confirm = OutgoingMail.objects.create(
        kind="account",
        to="nieuw@delft.nl",
        subject="[VZHG] Bevestig je e-mailadres: code QWER-TYUI",
        body_text="QWER-TYUI",
    )
    other = OutgoingMail.objects.create(
        kind="events.registration.confirmed",
        to="lid@delft.nl",
        subject="Aanmelding bevestigd: ALV 2026",
        body_text="Tot dan",
    )

    migration.mark_secret_mail(apps, None)

    sent.refresh_from_db(), confirm.refresh_from_db(), other.refresh_from_db()
    assert (sent.subject, sent.body_text, sent.sensitive) == ("[VZHG] Je inlogcode", "", True)
    assert confirm.subject == "[VZHG] Bevestig je e-mailadres" and confirm.sensitive
    assert confirm.body_text == "QWER-TYUI"  # still queued: it has yet to reach its owner
    assert (other.subject, other.body_text, other.sensitive) == (
        "Aanmelding bevestigd: ALV 2026",
        "Tot dan",
        False,
    )
