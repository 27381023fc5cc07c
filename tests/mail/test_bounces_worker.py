"""Bounces with the real worker: it sends through SMTP with the VERP envelope sender (MAIL FROM),
the reports for those envelopes are read from the real IMAP server (Dovecot) and mark the right
people, and the worker then leaves them out — outbox mail and the next newsletter edition alike."""

from __future__ import annotations

import pytest
from django.db import transaction

from newsletters.models import Delivery, Newsletter
from newsletters.services import sending
from tests.fixtures.helpers import wait_until
from tests.mail import bounce_samples as samples
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory
from vzhg.mail import tasks
from vzhg.mail.models import BouncedAddress, OutgoingMail
from vzhg.mail.services import mail_queue
from vzhg.mail.verp import verp_address

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_bounces_of_mail_the_worker_sent_mark_the_right_people(
    celery_worker_process, smtp_sink, bounce_mailbox
):
    reader_gone = SubscriptionFactory(email="lezer.weg@gemeente-voorbeeld.nl")
    reader_stays = SubscriptionFactory(email="lezer.blijft@gemeente-voorbeeld.nl")
    with transaction.atomic():
        invitation = mail_queue(to="Jan.Weg@gemeente-voorbeeld.nl", subject="Uitnodiging", text="Kom je?")
        other = mail_queue(to="piet.blijft@gemeente-voorbeeld.nl", subject="Uitnodiging", text="Kom je?")
    edition = NewsletterFactory()
    sending.newsletter_send(newsletter=edition)
    received = smtp_sink.wait_for(4)
    celery_worker_process.wait_idle()

    envelopes = {mail.recipients[0].lower(): mail.mail_from for mail in received}
    assert envelopes["jan.weg@gemeente-voorbeeld.nl"] == verp_address(kind="m", pk=invitation.pk)
    delivery = Delivery.objects.get(subscription=reader_gone)
    assert envelopes[reader_gone.email] == verp_address(kind="d", pk=delivery.pk)
    assert all(envelope.startswith("bounces+") for envelope in envelopes.values())

    # The relay accepted everything; later two reports come back to the bounce mailbox.
    bounce_mailbox.append(
        samples.exchange_online_not_found(
            envelope=envelopes["jan.weg@gemeente-voorbeeld.nl"], recipient="jan.weg@gemeente-voorbeeld.nl"
        )
    )
    bounce_mailbox.append(
        samples.postfix_user_unknown(envelope=envelopes[reader_gone.email], recipient=reader_gone.email)
    )
    assert tasks.mail_bounces_read()["bounce"] == 2
    undeliverable = set(
        BouncedAddress.objects.filter(undeliverable_since__isnull=False).values_list("email", flat=True)
    )
    assert undeliverable == {"jan.weg@gemeente-voorbeeld.nl", reader_gone.email}

    # The worker leaves them out from now on.
    smtp_sink.clear()
    with transaction.atomic():
        again = mail_queue(to="jan.weg@gemeente-voorbeeld.nl", subject="Herinnering", text="Nog even")
        mail_queue(to=other.to, subject="Herinnering", text="Nog even")
    next_edition = NewsletterFactory()
    assert sending.newsletter_send(newsletter=next_edition) == 1
    received = smtp_sink.wait_for(2)
    wait_until(
        lambda: Newsletter.objects.get(pk=next_edition.pk).status == Newsletter.Status.SENT,
        timeout=60,
        what="the next edition to be sent",
    )
    celery_worker_process.wait_idle()
    assert sorted(mail.recipients[0] for mail in smtp_sink.messages) == sorted([other.to, reader_stays.email])
    again.refresh_from_db()
    assert again.status == OutgoingMail.Status.FAILED and "5.1.10" in again.error
