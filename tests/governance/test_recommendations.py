"""Recommendation requests (R16): asked from the profile by a burgemeester or wethouder, handled
by the secretariat and the DB, decided with a mail and, when given, a letter as a tagged PDF that
only the requester, the secretariat and the DB may download."""

import datetime
import email
import email.policy
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from governance.board import recommendations
from governance.models import Body, Mandate, Meeting, RecommendationRequest, VngCommission
from members import services as member_services
from members.models import Person
from tests.factories import MemberFactory, UserFactory
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Unlike the rest of tests/governance, these read the Dutch the bestuurder and the public
    see (this replaces the English fixture of tests/governance/conftest.py)."""
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


@pytest.fixture
def commission():
    return VngCommission.objects.create(name="Informatiesamenleving")


@pytest.fixture
def wethouder():
    return MemberFactory(first_name="Maarten", last_name="Burggraaf", function=Person.Function.WETHOUDER)


@pytest.fixture
def db_meeting():
    body = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)
    return Meeting.objects.create(
        body=body, title="DB maart", starts_at=timezone.now() + datetime.timedelta(days=5)
    )


@pytest.fixture
def staff():
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    return user


def _request(person, commission) -> RecommendationRequest:
    return recommendations.recommendation_request_create(
        person=person, commission=commission, motivation="Ik ken het informatiedomein.", actor=person.user
    )


def test_a_wethouder_asks_and_the_request_is_received(wethouder, commission):
    request = _request(wethouder, commission)
    assert request.status == RecommendationRequest.Status.RECEIVED
    assert request.history.first().history_user == wethouder.user


@pytest.mark.parametrize("function", [Person.Function.GRIFFIER, Person.Function.BELEIDSMEDEWERKER])
def test_only_a_mayor_or_alderman_may_ask(commission, function):
    with pytest.raises(ServiceError, match="burgemeester of wethouder") as refusal:
        _request(MemberFactory(function=function), commission)
    assert refusal.value.code == "not_bestuurder"


def test_a_second_open_request_for_the_same_commission_is_refused(wethouder, commission):
    _request(wethouder, commission)
    with pytest.raises(ServiceError, match="al een aanvraag"):
        _request(wethouder, commission)


def test_an_ended_commission_takes_no_requests(wethouder):
    ended = VngCommission.objects.create(
        name="TCAM", kind=VngCommission.Kind.TIJDELIJKE, end=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ServiceError, match="beëindigd"):
        _request(wethouder, ended)


def test_received_discussed_given(
    wethouder, commission, db_meeting, staff, django_capture_on_commit_callbacks
):
    request = _request(wethouder, commission)
    request = recommendations.recommendation_request_discuss(request=request, meeting=db_meeting, actor=staff)
    assert (request.status, request.meeting) == (RecommendationRequest.Status.DISCUSSED, db_meeting)

    with django_capture_on_commit_callbacks(execute=True):
        request = recommendations.recommendation_request_give(
            request=request, letter_text="Het DB beveelt Maarten Burggraaf aan.", actor=staff
        )
    assert request.status == RecommendationRequest.Status.GIVEN
    assert (request.decided_on, request.decided_by) == (timezone.localdate(), staff)
    assert request.history.first().history_user == staff

    [sent] = mail.outbox
    parsed = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
    assert parsed["To"] == wethouder.email
    assert "Aanbeveling voor de VNG-commissie Informatiesamenleving" in str(parsed["Subject"])
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    assert reverse("governance:recommendation_letter", args=[request.pk]) in text
    assert OutgoingMail.objects.get().kind == "governance.recommendation.decided"


def test_a_decided_request_is_not_decided_again(wethouder, commission, staff):
    request = recommendations.recommendation_request_decline(
        request=_request(wethouder, commission), letter_text="Er is geen plek.", actor=staff
    )
    with pytest.raises(ServiceError, match="al besloten"):
        recommendations.recommendation_request_give(request=request, letter_text="Toch wel.", actor=staff)
    with pytest.raises(ServiceError):
        recommendations.recommendation_request_discuss(request=request, meeting=None, actor=staff)


def test_discussing_needs_a_db_meeting(wethouder, commission, staff):
    ab = Body.objects.create(name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB)
    meeting = Meeting.objects.create(body=ab, title="AB", starts_at=timezone.now())
    with pytest.raises(ServiceError, match="dagelijks bestuur"):
        recommendations.recommendation_request_discuss(
            request=_request(wethouder, commission), meeting=meeting, actor=staff
        )


def test_giving_needs_a_letter_and_declining_a_reason(wethouder, commission, staff):
    request = _request(wethouder, commission)
    with pytest.raises(ServiceError, match="tekst van de aanbevelingsbrief"):
        recommendations.recommendation_request_give(request=request, letter_text=" ", actor=staff)
    with pytest.raises(ServiceError, match="waarom"):
        recommendations.recommendation_request_decline(request=request, letter_text="", actor=staff)
    request.refresh_from_db()
    assert request.status == RecommendationRequest.Status.RECEIVED


def test_a_declined_request_mails_the_reason(
    wethouder, commission, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        recommendations.recommendation_request_decline(
            request=_request(wethouder, commission), letter_text="De commissie is vol & 'bezet'.", actor=staff
        )
    parsed = email.message_from_bytes(mail.outbox[0].message().as_bytes(), policy=email.policy.default)
    assert "De commissie is vol & 'bezet'." in parsed.get_body(preferencelist=("plain",)).get_content()


# --- the letter --------------------------------------------------------------------------------


@pytest.fixture
def given(wethouder, commission, staff):
    return recommendations.recommendation_request_give(
        request=_request(wethouder, commission),
        letter_text="Het DB beveelt Maarten Burggraaf van harte aan.",
        actor=staff,
    )


def test_the_letter_is_a_tagged_pdf_with_language_and_title(client, given, wethouder):
    client.force_login(wethouder.user)
    response = client.get(given.get_letter_url())

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "Maarten Burggraaf" in reader.metadata.title
    assert "van harte aan" in "".join(page.extract_text() for page in reader.pages)


def test_who_may_download_the_letter(client, given, staff):
    url = given.get_letter_url()
    assert client.get(url).status_code == 404  # anonymous

    client.force_login(MemberFactory().user)  # another member
    assert client.get(url).status_code == 404

    client.force_login(UserFactory(is_staff=True))  # staff status alone gives nothing
    assert client.get(url).status_code == 404

    client.force_login(staff)  # the secretariat
    assert client.get(url).status_code == 200

    db_member = MemberFactory()
    body = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)
    Mandate.objects.create(
        person=db_member, body=body, role=Mandate.Role.LID, start=datetime.date(2024, 1, 1)
    )
    client.force_login(db_member.user)
    assert client.get(url).status_code == 200


def test_an_open_request_has_no_letter(client, wethouder, commission):
    request = _request(wethouder, commission)
    client.force_login(wethouder.user)
    assert client.get(request.get_letter_url()).status_code == 404


# --- the profile, the request page, the staff page, the AVG export ------------------------------


def test_the_profile_offers_the_request_to_a_bestuurder_only(client, wethouder):
    client.force_login(wethouder.user)
    assert (
        reverse("governance:recommendation_request")
        in client.get(reverse("members:profile")).content.decode()
    )

    client.force_login(MemberFactory(function=Person.Function.GRIFFIER).user)
    assert (
        reverse("governance:recommendation_request")
        not in client.get(reverse("members:profile")).content.decode()
    )


def test_asking_from_the_request_page(client, wethouder, commission):
    client.force_login(wethouder.user)
    url = reverse("governance:recommendation_request")
    response = client.post(url, {"commission": commission.pk, "motivation": "Ik wil graag."})
    assert response.status_code == 302 and response["Location"] == reverse("members:profile")
    assert RecommendationRequest.objects.get().person == wethouder

    again = client.post(url, {"commission": commission.pk, "motivation": "Nog een keer."})
    assert again.status_code == 200 and "al een aanvraag" in again.content.decode()


def test_a_griffier_sees_why_they_cannot_ask(client, commission):
    client.force_login(MemberFactory(function=Person.Function.GRIFFIER).user)
    url = reverse("governance:recommendation_request")
    assert "Alleen een burgemeester of wethouder" in client.get(url).content.decode()
    client.post(url, {"commission": commission.pk, "motivation": "Toch."})
    assert not RecommendationRequest.objects.exists()


def test_the_secretariat_gives_it_on_the_handling_page(client, wethouder, commission, staff, db_meeting):
    request = _request(wethouder, commission)
    url = reverse("admin:governance_recommendationrequest_handle", args=[request.pk])
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403

    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.post(url, {"decision": "discuss", "meeting": db_meeting.pk, "letter_text": ""})
    response = client.post(url, {"decision": "give", "letter_text": "Aanbevolen."}, follow=True)

    request.refresh_from_db()
    assert request.status == RecommendationRequest.Status.GIVEN and request.meeting == db_meeting
    assert "Het verzoek is nu: aanbeveling gegeven." in response.content.decode()


def test_the_avg_export_holds_the_requests(wethouder, commission):
    from vzhg.personal_data import personal_data_sections

    _request(wethouder, commission)
    sections = personal_data_sections(person=wethouder, addresses={wethouder.email})
    [row] = sections["recommendation_requests"]
    assert (
        row["commission"] == "Informatiesamenleving" and row["motivation"] == "Ik ken het informatiedomein."
    )


def test_deleted_people_lose_their_requests_and_their_history(wethouder, commission):
    from vzhg.personal_data import personal_data_forget

    _request(wethouder, commission)
    person_id = wethouder.pk
    wethouder.delete()
    assert not RecommendationRequest.objects.exists()
    assert personal_data_forget(person_ids=[person_id]) >= 1
    assert not RecommendationRequest.history.filter(person_id=person_id).exists()
