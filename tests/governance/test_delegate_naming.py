"""Naming the delegate while registering for the congress an ALV is held at (events.extensions
registration part, governance.board.delegate_naming), and the change history on the delegate page."""

import pytest
from django.conf import settings
from django.urls import reverse

from events import services
from events.models import Event, Registration
from governance.board import assembly, delegate_naming
from governance.models import Delegate, Meeting
from members.models import Person
from tests.events.conftest import make_event
from tests.factories import MemberFactory, MunicipalityFactory
from vzhg.errors import ServiceError

from .assembly_data import alv_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def congress():
    """A published ALV held at the spring congress, and a municipality with a griffier, a
    burgemeester and a civil servant."""
    event = make_event(title="Voorjaarscongres", kind=Event.Kind.ALV_CONGRESS)
    meeting = alv_meeting(days=14)
    Meeting.objects.filter(pk=meeting.pk).update(event=event)
    town = MunicipalityFactory(name="Gemeente Gouda")
    people = {
        function: MemberFactory(organisation=town, function=function, last_name=function.capitalize())
        for function in (Person.Function.GRIFFIER, Person.Function.BURGEMEESTER, Person.Function.WETHOUDER)
    }
    return event, meeting, town, people


def register(event):
    return reverse("events:register", kwargs={"slug": event.slug})


def test_the_griffier_registers_and_names_the_delegate_and_a_deputy(client, congress):
    event, meeting, town, people = congress
    griffier, wethouder = people["griffier"], people["wethouder"]
    client.force_login(griffier.user)

    page = client.get(register(event)).content.decode()
    assert "Delegate (entitled to vote)" in page and "Deputy" in page
    assert f">{wethouder}</option>" in page and f">{griffier}</option>" in page  # themselves too
    response = client.post(
        register(event), {"remarks": "", "delegate-person": wethouder.pk, "delegate-deputy": griffier.pk}
    )

    assert response.status_code == 302
    assert Registration.objects.get(event=event).person == griffier
    delegate = Delegate.objects.get(meeting=meeting, municipality=town)
    assert (delegate.person, delegate.deputy) == (wethouder, griffier)
    assert delegate.history.get().history_user == griffier.user  # who made it
    shown = client.get(response["Location"]).content.decode()
    assert f"{wethouder.full_name} is the delegate of Gemeente Gouda" in shown


def test_the_form_shows_the_current_delegate_and_a_change_is_recorded(client, congress):
    event, meeting, town, people = congress
    mayor, wethouder = people["burgemeester"], people["wethouder"]
    assembly.delegate_set(meeting=meeting, municipality=town, person=wethouder, actor=people["griffier"].user)
    client.force_login(mayor.user)

    page = client.get(register(event)).content.decode()
    assert f"Now named: {wethouder.full_name}." in page
    assert f"Last changed by {people['griffier'].user.email}" in page
    client.post(register(event), {"delegate-person": mayor.pk, "delegate-deputy": ""})

    delegate = Delegate.objects.get(meeting=meeting, municipality=town)  # still one per municipality
    assert delegate.person == mayor
    versions = list(delegate.history.order_by("history_date"))
    assert [(v.person_id, v.history_user) for v in versions] == [
        (wethouder.pk, people["griffier"].user),
        (mayor.pk, mayor.user),
    ]


def test_leaving_the_delegate_unchanged_writes_no_history(client, congress):
    event, meeting, town, people = congress
    assembly.delegate_set(meeting=meeting, municipality=town, person=people["wethouder"])
    client.force_login(people["griffier"].user)

    client.post(register(event), {"delegate-person": people["wethouder"].pk})

    assert Registration.objects.filter(event=event).count() == 1
    assert Delegate.objects.get().history.count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"delegate-deputy": "griffier"}, "delegate-person"),  # a deputy without a delegate
        ({"delegate-person": "griffier", "delegate-deputy": "griffier"}, "delegate-deputy"),
        ({"delegate-person": "outsider"}, "delegate-person"),  # not of this municipality
    ],
)
def test_a_wrong_choice_registers_nothing(client, congress, data, field):
    event, meeting, town, people = congress
    outsider = MemberFactory(function=Person.Function.GRIFFIER)
    pks = {"griffier": people["griffier"].pk, "outsider": outsider.pk}
    client.force_login(people["griffier"].user)

    response = client.post(register(event), {key: pks[value] for key, value in data.items()})

    assert response.status_code == 200 and f'id="id_{field}-error"' in response.content.decode()
    assert not Registration.objects.exists() and not Delegate.objects.exists()


def test_a_refused_delegate_undoes_the_registration(client, congress, monkeypatch):
    """The service refuses at the last moment (say, someone named another delegate at the same
    instant): the member sees why, and neither the registration nor a delegate is stored."""
    event, meeting, town, people = congress
    client.force_login(people["griffier"].user)

    def refuse(**kwargs):
        raise ServiceError("Another delegate was just named for Gemeente Gouda; reload the page.")

    monkeypatch.setattr(delegate_naming.assembly, "delegate_set", refuse)
    response = client.post(register(event), {"delegate-person": people["wethouder"].pk})

    assert response.status_code == 200
    assert "Another delegate was just named" in response.content.decode()
    assert not Registration.objects.exists() and not Delegate.objects.exists()


@pytest.mark.parametrize("who", ["wethouder", "not_member", "draft", "other_event"])
def test_the_delegate_is_not_asked_of_others_or_elsewhere(client, congress, who):
    event, meeting, town, people = congress
    person = people["griffier"]
    if who == "wethouder":
        person = people["wethouder"]
    elif who == "not_member":
        person = MemberFactory(function=Person.Function.GRIFFIER, organisation__member_since=None)
    elif who == "draft":
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CONCEPT)
    else:
        event = make_event(kind=Event.Kind.NETWORK)
    client.force_login(person.user)

    assert "Delegate (entitled to vote)" not in client.get(register(event)).content.decode()
    client.post(register(event), {"delegate-person": person.pk})
    assert Registration.objects.filter(event=event).exists() or who == "not_member"
    assert not Delegate.objects.exists()


def test_the_designated_functions_follow_the_setting(client, congress, settings):
    event, meeting, town, people = congress
    settings.GOVERNANCE_CONVOCATION_FUNCTIONS = [Person.Function.GRIFFIER]
    client.force_login(people["burgemeester"].user)
    assert "Delegate (entitled to vote)" not in client.get(register(event)).content.decode()
    client.force_login(people["griffier"].user)
    assert "Delegate (entitled to vote)" in client.get(register(event)).content.decode()


def test_other_events_register_with_no_extra_query(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events import extensions

    event = make_event(kind=Event.Kind.NETWORK)
    client.force_login(MemberFactory(function=Person.Function.GRIFFIER).user)
    client.get(register(event))  # warm up (content types, site)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(register(event)).status_code == 200
        return len(captured)

    with_part = queries()
    monkeypatch.setattr(extensions, "REGISTRATION_PARTS", [])
    assert with_part == queries()


def test_the_delegate_page_shows_who_changed_it_last(client, congress):
    event, meeting, town, people = congress
    assembly.delegate_set(
        meeting=meeting, municipality=town, person=people["wethouder"], actor=people["burgemeester"].user
    )
    client.force_login(people["griffier"].user)

    page = client.get(reverse("governance:delegate", kwargs={"pk": meeting.pk, "token": meeting.token}))

    assert f"Last changed by {people['burgemeester'].user.email}" in page.content.decode()


def test_changing_the_registration_changes_the_delegate(client, congress):
    event, meeting, town, people = congress
    griffier = people["griffier"]
    registration = services.registration_create(event=event, person=griffier, session_ids=[])
    assembly.delegate_set(meeting=meeting, municipality=town, person=griffier)
    client.force_login(griffier.user)
    change = reverse("events:registration_change", kwargs={"pk": registration.pk})

    assert f"Now named: {griffier.full_name}." in client.get(change).content.decode()
    response = client.post(change, {"remarks": "Rolstoel", "delegate-person": people["wethouder"].pk})

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.remarks == "Rolstoel"
    assert Delegate.objects.get(meeting=meeting, municipality=town).person == people["wethouder"]
