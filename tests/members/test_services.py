import pytest

from members.services import name_from_email


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("fleur.van.dam@leiden.nl", ("Fleur", "van", "Dam")),
        ("anna_van_der_berg@gouda.nl", ("Anna", "van der", "Berg")),
        ("j.de.vries@maassluis.nl", ("J", "de", "Vries")),
        ("pieter-jan.bakker@delft.nl", ("Pieter-Jan", "", "Bakker")),
        ("m.van.der.linden-smit@leiden.nl", ("M", "van der", "Linden-Smit")),
        ("info@example.nl", ("Info", "", "")),
    ],
)
def test_name_guess_from_email_puts_tussenvoegsel_apart(email, expected):
    assert name_from_email(email=email) == expected
