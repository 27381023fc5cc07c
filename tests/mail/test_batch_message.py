"""The batch senders' message (vzhg.mail.sending.BatchMessage) is byte for byte Django's message:
only the multipart boundaries are drawn before the message is written, with the same random
draws in the same order, so under the same random seed the bytes are identical."""

import random
from email import policy
from email.generator import Generator
from email.parser import BytesParser

import pytest
from django.core.mail import EmailMultiAlternatives

from vzhg.mail.sending import BatchMessage

READERS = [
    ("anna@gouda.nl", "Uitnodiging: Najaarscongres", "Beste Anna,\n\nTot ziens!", "<p>Beste Anna,</p>"),
    (
        "Zoë de Vries-Ölçek <zoe@example.org>",
        "Één & ander: <b>\"quotes\"</b>, 'accents' — ïëé, een heel lange onderwerpregel die gevouwen wordt",
        'Beste Zoë & co,\n\n<tag> "aanhalingstekens" \u2603 =3D =\r\nregel ' + "x" * 300,
        "<p>Beste Zoë &amp; co, ünïcödé \u2603</p>" * 40,
    ),
    ("o'brien+tag@example.org", "ASCII", "--===============123==\nno boundary here", "<p>-- ==</p>"),
]


def _bytes(cls, to, subject, text, html, attach=False, seed=7):
    message = cls(
        subject=subject,
        body=text,
        from_email="bounce+m.1@vzhg.nl",
        to=[to],
        headers={
            "From": "VZHG <secretariaat@vzhg.nl>",
            "Message-ID": "<1@vzhg.nl>",
            "Date": "Mon, 30 Nov 2026 00:00:00 +0000",
            "List-Id": "Griffiers <griffiers.lists.vzhg.nl>",
        },
    )
    message.attach_alternative(html, "text/html")
    if attach:
        message.attach(
            "uitnodiging.ics", "BEGIN:VCALENDAR\r\nSUMMARY:Één\r\nEND:VCALENDAR\r\n", "text/calendar"
        )
        message.attach("lijst.pdf", b"%PDF-1.4 \x00\xff binary", "application/pdf")
    random.seed(seed)
    return message.message().as_bytes(linesep="\r\n")


@pytest.mark.parametrize("attach", [False, True])
@pytest.mark.parametrize("reader", READERS, ids=["plain", "special", "boundary-like"])
def test_the_batch_message_is_djangos_message_byte_for_byte(reader, attach):
    ours = _bytes(BatchMessage, *reader, attach=attach)
    assert ours == _bytes(EmailMultiAlternatives, *reader, attach=attach)
    parsed = BytesParser(policy=policy.default).parsebytes(ours)
    assert parsed.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n") == reader[
        2
    ].replace("\r\n", "\n")


def test_a_boundary_found_in_the_message_is_drawn_again(monkeypatch):
    draws = iter(["===============111==", "===============222=="])
    monkeypatch.setattr(Generator, "_make_boundary", classmethod(lambda cls, text=None: next(draws)))
    message = BatchMessage(subject="s", body="a line\n--===============111==\n", to=["a@gouda.nl"])
    message.attach_alternative("<p>x</p>", "text/html")
    built = message.message()
    assert built.get_boundary() == "===============222=="
    parsed = BytesParser(policy=policy.default).parsebytes(built.as_bytes())
    assert "--===============111==" in parsed.get_body(preferencelist=("plain",)).get_content()
