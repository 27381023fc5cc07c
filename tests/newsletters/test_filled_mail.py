"""A sending batch fills each reader's values into the message written once per edition
(vzhg.mail.templated.MessageTemplate, newsletters.services.batches._prepared): the bytes it hands
to the relay are byte for byte the bytes Django's own build writes for that reader (under the same
random seed, Date and Message-ID), and where that cannot be guaranteed it falls back to Django."""

import random
from email import policy
from email.parser import BytesParser

import pytest
from django.core.mail.message import sanitize_address

from newsletters.rendering import edition_render, mail_render
from newsletters.selectors import newsletter_full
from newsletters.services import batches
from vzhg.mail.sending import BatchMessage
from vzhg.mail.templated import _POLICY, MessageTemplate, envelope_address, header_fold

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

DATE = "Mon, 30 Nov 2026 02:00:00 +0100"


@pytest.fixture
def fixed(monkeypatch):
    monkeypatch.setattr("django.core.mail.message.formatdate", lambda localtime=False: DATE)
    monkeypatch.setattr(batches, "formatdate", lambda localtime=False: DATE)
    monkeypatch.setattr(batches, "mail_message_id", lambda: "<fixed@vzhg.nl>")


def _edition(newsletter):
    return edition_render(newsletter=newsletter_full().get(pk=newsletter.pk))


def _pair(edition, reader, first_name, delivery_id, seed):
    """(fast bytes and envelope, Django's bytes and envelope) for one reader."""
    # The message written once per edition draws its own boundary: before the seed.
    batches._prepared(edition=edition, subscription=reader, first_name=first_name, delivery_id=delivery_id)
    random.seed(seed)
    prepared = batches._prepared(
        edition=edition, subscription=reader, first_name=first_name, delivery_id=delivery_id
    )
    random.seed(seed)
    message = batches._message(
        mail_render(edition=edition, subscription=reader, first_name=first_name),
        reader.email,
        None,
        delivery_id,
    )
    expected = message.message().as_bytes(linesep="\r\n")
    envelope = (sanitize_address(message.from_email, "utf-8"), [sanitize_address(reader.email, "utf-8")])
    return prepared, (envelope[0], envelope[1], expected)


READERS = [
    ("anna@gouda.nl", "Anna"),
    ("zoe.de-vries@example.org", "Zoë"),
    ("o_brien+tag=x@mail.example.org", 'O\'Brien & <Co> "Jr"'),
    ("geen.naam@example.org", ""),
    ("ASCII.Upper@Example.ORG", "Ünïcödé \u2603 — lang " + "x" * 200),
]


@pytest.mark.parametrize("bounces", [True, False])
@pytest.mark.parametrize(
    "intro", ["Kort en **ASCII**.", "Één & ander: <b>vet</b> 'quotes' — ïëé\n\n- één\n- twee"]
)
def test_the_filled_in_bytes_are_djangos_bytes(settings, fixed, bounces, intro):
    settings.MAIL_BOUNCE_ADDRESS = "bounces@vzhg.nl" if bounces else ""
    settings.SITE_URL = "https://leden.vzhg.nl"
    edition = _edition(NewsletterFactory(with_items=3, intro=intro, title="Nieuwsbrief: één & <ander>"))
    for number, (email, first_name) in enumerate(READERS * 2):
        reader = SubscriptionFactory(email=f"{number}{email}")
        prepared, expected = _pair(edition, reader, first_name, delivery_id=1000 + number, seed=number)
        assert prepared == expected
        parsed = BytesParser(policy=policy.default).parsebytes(prepared[2])
        reference = BytesParser(policy=policy.default).parsebytes(expected[2])
        assert list(parsed.items()) == list(reference.items())
        assert [part.get_content() for part in parsed.iter_parts()] == [
            part.get_content() for part in reference.iter_parts()
        ]
        assert parsed["To"] == reader.email
        text = parsed.get_body(("plain",)).get_content()
        if first_name:
            assert f"{first_name}," in text
        assert "&amp;" not in text and "\ue000" not in text


def _batch_message(to, text, html):
    message = BatchMessage(
        subject="ASCII", body=text, from_email="a@vzhg.nl", to=[to],
        headers={"Message-ID": "<1@vzhg.nl>", "Date": DATE, "X-Reader": to},
    )  # fmt: skip
    message.attach_alternative(html, "text/html")
    return message


@pytest.mark.parametrize("name", ["Anna", "Zoë"])
def test_an_ascii_part_is_7bit_and_a_non_ascii_one_8bit_as_in_django(name):
    mark = "\ue000name\ue000"
    template = MessageTemplate.build(
        _batch_message("x@example.org", f"Beste {mark},\nTekst.", f"<p>Beste {mark},</p>"),
        filled=("To", "X-Reader"),
        stand_ins=(mark,),
    )
    assert template is not None
    random.seed(3)
    filled = template.fill(
        headers={"To": "anna@example.org", "X-Reader": "anna@example.org"},
        values={"plain": {mark: name}, "html": {mark: name}},
    )
    random.seed(3)
    expected = _batch_message("anna@example.org", f"Beste {name},\nTekst.", f"<p>Beste {name},</p>")
    assert filled == expected.message().as_bytes(linesep="\r\n")
    encoding = b"7bit" if name.isascii() else b"8bit"
    assert filled.count(b"Content-Transfer-Encoding: " + encoding) == 2


def test_each_message_gets_its_own_boundary(fixed):
    edition = _edition(NewsletterFactory(with_items=1))
    messages = [
        BytesParser(policy=policy.default).parsebytes(
            batches._prepared(
                edition=edition, subscription=SubscriptionFactory(), first_name="A", delivery_id=n
            )[2]
        )
        for n in range(3)
    ]
    assert len({message.get_boundary() for message in messages}) == 3


@pytest.mark.parametrize(
    ("email", "first_name", "intro"),
    [
        ("jürgen@example.org", "Jürgen", "Kort."),  # a non-ASCII address: Django encodes it
        ("anna@gouda.nl", "Anna\nBcc: x@example.org", "Kort."),  # a line break in a value
        ("anna@gouda.nl", "A" * 1000, "Kort."),  # the greeting line over 998 bytes: quoted-printable
        ("anna@gouda.nl", "Anna", "Een regel van " + "heel " * 250),  # a long line in the edition
        ("anna@gouda.nl", "\ue000first-name\ue000", "Kort."),  # a stand-in in the value
    ],
)
def test_what_cannot_be_filled_in_exactly_is_built_by_django(fixed, email, first_name, intro):
    edition = _edition(NewsletterFactory(with_items=1, intro=intro))
    reader = SubscriptionFactory(email=email)
    assert (
        batches._prepared(edition=edition, subscription=reader, first_name=first_name, delivery_id=1) is None
    )
    # The ordinary build still makes it (or refuses it as before).
    mail = mail_render(edition=edition, subscription=reader, first_name=first_name)
    try:
        batches._message(mail, reader.email, None, 1).message()
    except Exception as exc:  # noqa: BLE001 - Django refuses a header with a line break
        assert "newline" in str(exc).lower()


@pytest.mark.parametrize(
    "address",
    [
        "anna@gouda.nl",
        "bounces+d1c-k3j9x0q2ab@vzhg.nl",
        "A.B_c+d=e-f@Sub.Example.ORG",
        "a..b@example.org",
        ".a@example.org",
        "VZHG <secretariaat@vzhg.nl>",
        "Zoë <zoe@example.org>",
        "jürgen@exämple.org",
        "o'brien@example.org",
    ],
)
def test_the_envelope_address_is_what_djangos_smtp_backend_sends(address):
    assert envelope_address(address) == sanitize_address(address, "utf-8")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("To", "anna@gouda.nl"),
        ("Date", DATE),
        ("Message-ID", "<176449200012.8544.1234567890123456789@leden.vzhg.nl>"),
        ("Message-ID", "<" + "x" * 62 + ">"),  # 76 characters on the line
        ("Message-ID", "<" + "x" * 63 + ">"),
        ("To", "a, b;  c\td"),
        ("To", " leading"),
        ("To", "trailing "),
        ("To", "Zoë <zoe@example.org>"),
        ("To", ""),
        ("X-Control", "a\x0bb\x1cc"),
        (
            "List-Unsubscribe",
            "<https://leden.vzhg.nl/nieuwsbrief/afmelden/1.1:abc/>, "
            "<mailto:b+u1-x@vzhg.nl?subject=unsubscribe>",
        ),
    ],
)
def test_a_header_written_as_it_is_is_what_the_email_package_folds(name, value):
    assert header_fold(name, value) == _POLICY.fold_binary(name, value)
