"""The bounce reader over TLS against a real Dovecot with a certificate from a throwaway CA
(tests/fixtures/imap_server.py, `imap_tls_server`): IMAPS and STARTTLS both connect when the CA
file is configured, and a certificate the reader does not trust (another CA, the system's CAs, a
wrong host name, or a server that offers no STARTTLS) is refused before the password is sent:
logged, nothing crashes, nothing is read, and the next beat tries again."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from tests.mail import bounce_samples as samples
from vzhg.mail import tasks
from vzhg.mail.models import BouncedAddress, OutgoingMail
from vzhg.mail.services import mail_queue

pytestmark = pytest.mark.django_db

RECIPIENT = "jan.jansen@gemeente-voorbeeld.nl"


@pytest.fixture
def tls_mailbox(imap_tls_server, settings):
    """The TLS Dovecot's mailbox, empty, with the bounce settings pointing at it over IMAPS and
    its CA configured (the tests switch to STARTTLS or another CA)."""
    imap_tls_server.clear()
    settings.MAIL_BOUNCE_ADDRESS = "bounces@vzhg.nl"
    settings.MAIL_BOUNCE_IMAP_HOST = "localhost"  # the name in its certificate
    settings.MAIL_BOUNCE_IMAP_PORT = imap_tls_server.tls_port
    settings.MAIL_BOUNCE_IMAP_USER = imap_tls_server.user
    settings.MAIL_BOUNCE_IMAP_PASSWORD = imap_tls_server.password
    settings.MAIL_BOUNCE_IMAP_SSL = True
    settings.MAIL_BOUNCE_IMAP_STARTTLS = False
    settings.MAIL_BOUNCE_IMAP_CA_FILE = str(imap_tls_server.tls.ca)
    settings.MAIL_BOUNCE_IMAP_FOLDER = "INBOX"
    settings.MAIL_BOUNCE_IMAP_ARCHIVE = ""
    return imap_tls_server


def _starttls(settings, server) -> None:
    settings.MAIL_BOUNCE_IMAP_SSL = False
    settings.MAIL_BOUNCE_IMAP_STARTTLS = True
    settings.MAIL_BOUNCE_IMAP_PORT = server.port


def _bounce_waiting(server, django_capture_on_commit_callbacks) -> None:
    """One outbox message sent (VERP envelope) and its Postfix bounce in the mailbox."""
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        row = mail_queue(to=RECIPIENT, subject="Uitnodiging", text="Tekst.", kind="events.invitation")
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    server.append(
        samples.postfix_user_unknown(envelope=django_mail.outbox[-1].from_email, recipient=RECIPIENT)
    )


def _logins(server) -> int:
    return server.log().count(f"user=<{server.user}>")


@pytest.mark.parametrize("mode", ["imaps", "starttls"])
def test_the_reader_connects_over_tls_with_the_configured_ca(
    tls_mailbox, settings, django_capture_on_commit_callbacks, mode
):
    if mode == "starttls":
        _starttls(settings, tls_mailbox)
    _bounce_waiting(tls_mailbox, django_capture_on_commit_callbacks)

    outcome = tasks.mail_bounces_read()

    assert outcome["error"] == "" and outcome["bounce"] == 1
    assert BouncedAddress.objects.get(email=RECIPIENT).undeliverable
    assert tls_mailbox.messages() == []
    assert "TLS" in tls_mailbox.log()  # Dovecot logged the login as one over TLS


@pytest.mark.parametrize("mode", ["imaps", "starttls"])
@pytest.mark.parametrize("trust", ["other-ca", "system-cas", "wrong-host-name"])
def test_an_untrusted_certificate_is_refused_logged_and_tried_again_at_the_next_beat(
    tls_mailbox, settings, django_capture_on_commit_callbacks, caplog, mode, trust
):
    if mode == "starttls":
        _starttls(settings, tls_mailbox)
    _bounce_waiting(tls_mailbox, django_capture_on_commit_callbacks)
    if trust == "other-ca":
        settings.MAIL_BOUNCE_IMAP_CA_FILE = str(tls_mailbox.tls.other_ca)
    elif trust == "system-cas":
        settings.MAIL_BOUNCE_IMAP_CA_FILE = ""
    else:
        settings.MAIL_BOUNCE_IMAP_HOST = "127.0.0.1"  # the same server, but the certificate names localhost
    logins = _logins(tls_mailbox)

    outcome = tasks.mail_bounces_read()

    assert "CERTIFICATE_VERIFY_FAILED" in outcome["error"]
    assert "trying again at the next beat" in caplog.text
    assert _logins(tls_mailbox) == logins  # the password never went to the untrusted server
    assert not BouncedAddress.objects.exists()
    assert len(tls_mailbox.messages()) == 1  # left unseen for the next beat

    # The next beat, with the server's CA and name configured, reads it.
    settings.MAIL_BOUNCE_IMAP_CA_FILE = str(tls_mailbox.tls.ca)
    settings.MAIL_BOUNCE_IMAP_HOST = "localhost"
    assert tasks.mail_bounces_read()["bounce"] == 1
    assert BouncedAddress.objects.get(email=RECIPIENT).undeliverable


def test_starttls_against_a_server_without_tls_is_refused_before_the_login(bounce_mailbox, settings, caplog):
    settings.MAIL_BOUNCE_IMAP_STARTTLS = True  # the plain test Dovecot offers no STARTTLS
    logins = _logins(bounce_mailbox)
    outcome = tasks.mail_bounces_read()
    assert "TLS" in outcome["error"]
    assert "trying again at the next beat" in caplog.text
    assert _logins(bounce_mailbox) == logins  # no password in the clear
