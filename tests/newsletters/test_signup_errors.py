"""The newsletter sign-up announces its errors like the login form: a focused summary linking to
the field, the field marked invalid and described by its message, "Error:" in the title."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_wrong_address_is_announced(client):
    page = client.post(reverse("newsletters:subscribe"), {"email": "niet-een-adres"}).content.decode()

    assert re.search(r"<title>\s*Error:", page)
    summary = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>", page, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert 'href="#id_email"' in summary and "Enter a valid e-mail address" in summary
    field = re.search(r'<input type="email" name="email"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_email_error"' in field


def test_the_empty_form_has_no_error_title(client):
    page = client.get(reverse("newsletters:subscribe")).content.decode()
    assert not re.search(r"<title>\s*Error:", page)
    assert "data-error-summary" not in page
