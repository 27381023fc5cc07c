"""An event someone else organises (provincie, VNG, a partner): its name and a link out on the
agenda and the event page; a link without a name is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from .conftest import make_event

pytestmark = pytest.mark.django_db

LINK = '<a href="https://www.zuid-holland.nl/congres" rel="noopener external">Provincie Zuid-Holland</a>'


def test_the_agenda_and_the_event_page_name_the_organiser_with_a_link_out(client):
    event = make_event(
        organiser_name="Provincie Zuid-Holland", organiser_url="https://www.zuid-holland.nl/congres"
    )
    make_event(title="Eigen bijeenkomst")

    agenda = client.get(reverse("events:agenda")).content.decode()
    page = client.get(event.get_absolute_url()).content.decode()

    assert LINK in agenda and agenda.count("event-organiser") == 1
    assert LINK in page


def test_an_organiser_without_a_page_is_named_without_a_link(client):
    event = make_event(organiser_name="VNG")

    page = client.get(event.get_absolute_url()).content.decode()

    assert 'class="event-organiser" lang="nl">VNG</dd>' in page


def test_a_link_without_an_organiser_name_is_refused():
    event = make_event()
    event.organiser_url = "https://vng.nl/"
    with pytest.raises(ValidationError) as refusal:
        event.full_clean()
    assert "organis" in str(refusal.value)  # organiser / organisator
    with pytest.raises(IntegrityError):
        event.save()
