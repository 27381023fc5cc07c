"""Recommendation requests (R16): «Bestuurders van gemeenten kunnen de VZHG om een aanbeveling
vragen.» A burgemeester or wethouder of a member municipality asks from their profile; the
secretariat and the DB handle it: received → discussed in a DB meeting → given or declined. The
requester gets a mail when it is decided; a given recommendation is a letter (tagged PDF) that
only the requester, the secretariat and the DB may download."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from governance.models import Body, CommissionSeat, Mandate, Meeting, RecommendationRequest, VngCommission
from members.models import Person
from vzhg.errors import ServiceError
from vzhg.history import history_note
from vzhg.mail.language import mail_translation
from vzhg.mail.services import mail_queue
from vzhg.pdf import render_pdf
from vzhg.site import absolute_url

from . import commissions

BESTUURDER_FUNCTIONS = (Person.Function.BURGEMEESTER, Person.Function.WETHOUDER)
# Handling requests and reading every letter: the secretariat's right on the model (the
# Secretariaat group has it); the DB's members on the day may read them too. Staff status alone
# gives nothing.
HANDLE_PERMISSION = "governance.change_recommendationrequest"
VIEW_PERMISSION = "governance.view_recommendationrequest"


def may_request(person: Person | None) -> bool:
    """A municipal bestuurder: burgemeester or wethouder of a member municipality."""
    return bool(
        person is not None
        and person.function in BESTUURDER_FUNCTIONS
        and person.organisation is not None
        and person.organisation.is_member
    )


def is_db_member(user, *, day: datetime.date | None = None) -> bool:
    if not user.is_authenticated:
        return False
    day = day or timezone.localdate()
    return Mandate.objects.active_on(day).filter(body__kind=Body.Kind.DB, person__user=user).exists()


def may_read_letter(*, user, request: RecommendationRequest) -> bool:
    """The requester, the secretariat (the model's view permission) and the DB's members."""
    if not (user.is_authenticated and user.is_active):
        return False
    if request.person.user_id is not None and request.person.user_id == user.pk:
        return True
    return user.has_perm(VIEW_PERMISSION) or is_db_member(user)


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def recommendation_request_create(
    *, person: Person, commission: VngCommission, motivation: str, actor=None
) -> RecommendationRequest:
    if not may_request(person):
        raise ServiceError(
            _("Only a mayor or alderman of a member municipality can ask for a recommendation."),
            code="not_bestuurder",
        )
    today = timezone.localdate()
    if commission.end is not None and commission.end < today:
        raise ServiceError(_("This commission has ended."), code="ended")
    if not motivation.strip():
        raise ServiceError(_("Tell us why you would like the seat."), code="motivation")
    if RecommendationRequest.objects.filter(
        person=person, commission=commission, status__in=RecommendationRequest.OPEN
    ).exists():
        raise ServiceError(
            _("You already have a request for this commission that is being handled."), code="open"
        )
    request = RecommendationRequest(person=person, commission=commission, motivation=motivation.strip())
    history_note(request, actor=actor, reason="aangevraagd")
    request.save()
    return request


def _locked(request: RecommendationRequest) -> RecommendationRequest:
    return (
        RecommendationRequest.objects.select_for_update()
        .select_related("person", "commission")
        .get(pk=request.pk)
    )


@transaction.atomic
def recommendation_request_discuss(
    *, request: RecommendationRequest, meeting: Meeting, actor
) -> RecommendationRequest:
    """The request is on the agenda of (or was discussed in) a DB meeting."""
    request = _locked(request)
    if request.status != RecommendationRequest.Status.RECEIVED:
        raise ServiceError(_("Only a received request can be put to the DB."), code="status")
    if meeting.body.kind != Body.Kind.DB:
        raise ServiceError(_("Choose a meeting of the executive board (DB)."), code="meeting")
    request.status = RecommendationRequest.Status.DISCUSSED
    request.meeting = meeting
    history_note(request, actor=actor, reason="besproken in het DB")
    request.save(update_fields=["status", "meeting"])
    return request


def _decide(*, request, status, letter_text: str, actor) -> RecommendationRequest:
    request = _locked(request)
    if not request.is_open:
        raise ServiceError(_("This request has already been decided."), code="decided")
    request.status = status
    request.letter_text = letter_text.strip()
    request.decided_on = timezone.localdate()
    request.decided_by = actor
    history_note(request, actor=actor, reason=str(status))
    request.save(update_fields=["status", "letter_text", "decided_on", "decided_by"])
    recommendation_request_mail(request=request)
    return request


@transaction.atomic
def recommendation_request_give(
    *, request: RecommendationRequest, letter_text: str, actor
) -> RecommendationRequest:
    """The association recommends the person; the letter is the PDF they download."""
    if not letter_text.strip():
        raise ServiceError(_("Write the text of the recommendation letter."), code="letter")
    return _decide(
        request=request, status=RecommendationRequest.Status.GIVEN, letter_text=letter_text, actor=actor
    )


@transaction.atomic
def recommendation_request_decline(
    *, request: RecommendationRequest, letter_text: str, actor
) -> RecommendationRequest:
    """Declined, with the reason the requester is told."""
    if not letter_text.strip():
        raise ServiceError(_("Write why the request is declined; the requester reads it."), code="letter")
    return _decide(
        request=request, status=RecommendationRequest.Status.DECLINED, letter_text=letter_text, actor=actor
    )


def open_seat(*, request: RecommendationRequest, day: datetime.date) -> CommissionSeat | None:
    """The requester's seat on the commission that has not ended by `day`, if any."""
    return (
        CommissionSeat.objects.filter(person=request.person_id, commission=request.commission_id)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("start")
        .first()
    )


@transaction.atomic
def commission_seat_create_from_recommendation(
    *, request: RecommendationRequest, start: datetime.date, actor
) -> CommissionSeat:
    """The secretariat records the seat a given recommendation led to, in one step: the requester
    on the commission from `start` (a temporary commission's seat ends with it, R17). Refused
    when the recommendation was not given, the commission has ended, or the requester already
    has a seat there that has not ended by `start`. The request's row lock keeps a double click
    from making two seats."""
    request = _locked(request)
    if request.status != RecommendationRequest.Status.GIVEN:
        raise ServiceError(_("Only a given recommendation can lead to a seat."), code="status")
    commission = request.commission
    if commission.end is not None and commission.end < timezone.localdate():
        raise ServiceError(
            _("The commission %(commission)s ended on %(date)s; it takes no new seats.")
            % {"commission": commission.name, "date": date_format(commission.end)},
            code="ended",
        )
    if open_seat(request=request, day=start) is not None:
        raise ServiceError(
            _("%(person)s already has a seat on %(commission)s.")
            % {"person": request.person.full_name, "commission": commission.name},
            code="seated",
        )
    seat = CommissionSeat(person=request.person, commission=commission, start=start)
    return commissions.commission_seat_save(seat=seat, actor=actor, reason="uit een gegeven aanbeveling")


def recommendation_request_mail(*, request: RecommendationRequest):
    """The mail to the requester that their request was decided (sent after commit)."""
    person = request.person
    context = {
        "request": request,
        "person": person,
        "commission": request.commission,
        "given": request.status == RecommendationRequest.Status.GIVEN,
        "letter_url": absolute_url(reverse("governance:recommendation_letter", args=[request.pk])),
        "profile_url": absolute_url(reverse("members:profile")),
    }
    with mail_translation(recipient=person):
        subject = " ".join(
            render_to_string("governance/email/recommendation_decided_subject.txt", context).split()
        )
        text = render_to_string("governance/email/recommendation_decided.txt", context)
        html = render_to_string(
            "governance/email/recommendation_decided.html", {**context, "subject": subject}
        )
    return mail_queue(
        to=person.email, subject=subject, text=text, html=html, kind="governance.recommendation.decided"
    )


def recommendation_letter_pdf(*, request: RecommendationRequest) -> bytes:
    """The letter as a tagged PDF (PDF/UA) with its language and title."""
    return render_pdf(
        template_name="pdf/governance_recommendation.html",
        context={"request": request, "person": request.person, "commission": request.commission},
    )
