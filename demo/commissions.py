"""Demo VNG commissions (from the seeds, vng-commissions.csv): our Zuid-Holland members with
demo people in the seats the seeds name, the temporary commission TCAM that ends in June 2026
(R17, its seats end with it), the klankbord meetings linked to their commissions, and two
recommendation requests (R16): one waiting for the DB, one given with its letter. Idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone

from events.models import Event
from governance.board import commissions as board_commissions
from governance.board import recommendations
from governance.models import Body, CommissionSeat, Meeting, RecommendationRequest, VngCommission
from members.models import User

from .governance import SECRETARY_EMAIL, _people

TCAM = "Tijdelijke commissie asiel & migratie (TCAM)"
TCAM_END = datetime.date(2026, 6, 30)  # «tot juni 2026» [NB23]
# Words in a klankbord meeting's title → the commission it belongs to (events-2025.csv).
KLANKBORD = {
    "TCAM": TCAM,
    "Bestuur & Veiligheid": "Bestuur en Veiligheid",
    "Europa & Internationaal": "Europa en Internationaal",
    "ZJO": "ZJO",
}
DESCRIPTIONS = {
    "Informatiesamenleving": "De ontwikkeling van de digitale agenda voor gemeenten verloopt via de "
    "VNG-commissie Informatiesamenleving.",
    TCAM: "Tijdelijke commissie die bestaat gedurende de lopende bestuursperiode (tot juni 2026).",
}


def _seat(person, commission, start) -> None:
    if not CommissionSeat.objects.filter(person=person, commission=commission).exists():
        board_commissions.commission_seat_save(
            seat=CommissionSeat(person=person, commission=commission, start=start)
        )


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    people = _people()
    commissions = {row.name: row for row in VngCommission.objects.all()}
    if TCAM not in commissions or len(people["wethouder"]) < 6 or not people["griffier"]:
        stdout.write("Commissions demo: the governance demo data is missing; run demo_data first.")
        return
    secretary = User.objects.filter(email=SECRETARY_EMAIL).first()
    aldermen, clerks = people["wethouder"], people["griffier"]
    start = datetime.date(today.year - 1, 1, 1)
    with transaction.atomic():
        tcam = commissions[TCAM]
        if tcam.end is None:
            tcam.kind, tcam.end = VngCommission.Kind.TIJDELIJKE, TCAM_END
            board_commissions.vng_commission_save(commission=tcam, actor=secretary)
        for name, text in DESCRIPTIONS.items():
            if not commissions[name].description:
                commissions[name].description = text
                commissions[name].save(update_fields=["description"])
        # The vice-chair sits on the TCAM; a griffier and a wethouder on Informatiesamenleving.
        _seat(aldermen[0], tcam, min(start, TCAM_END))
        _seat(clerks[0], commissions["Informatiesamenleving"], start)
        _seat(aldermen[4], commissions["Informatiesamenleving"], start)
        _seat(aldermen[5], commissions["Bestuur en Veiligheid"], start)
        linked = 0
        for event in Event.objects.filter(title__icontains="klankbord"):
            for words, name in KLANKBORD.items():
                if words in event.title and name in commissions:
                    commissions[name].klankbord_events.add(event)
                    linked += 1
        requests = _requests(commissions=commissions, aldermen=aldermen, secretary=secretary, today=today)
    stdout.write(
        f"Demo commissions: {CommissionSeat.objects.count()} seats, {linked} klankbord meetings linked, "
        f"{requests} recommendation requests created"
    )


def _requests(*, commissions, aldermen, secretary, today) -> int:
    if secretary is None or RecommendationRequest.objects.exists():
        return 0
    pending = recommendations.recommendation_request_create(
        person=aldermen[3],
        commission=commissions["Informatiesamenleving"],
        motivation="Als wethouder digitalisering breng ik de ervaring van onze regio in de commissie in.",
        actor=aldermen[3].user,
    )
    given = recommendations.recommendation_request_create(
        person=aldermen[1],
        commission=commissions["Gemeentefinanciën"],
        motivation="Ik ben wethouder financiën en wil de stem van Zuid-Holland laten horen in de commissie.",
        actor=aldermen[1].user,
    )
    db_meeting = (
        Meeting.objects.filter(body__kind=Body.Kind.DB, starts_at__date__lt=today)
        .order_by("-starts_at")
        .first()
    )
    if db_meeting is not None:
        recommendations.recommendation_request_discuss(request=given, meeting=db_meeting, actor=secretary)
    recommendations.recommendation_request_give(
        request=given,
        letter_text=(
            "Het dagelijks bestuur van de Vereniging van Zuid-Hollandse Gemeenten beveelt "
            f"{aldermen[1].full_name} van harte aan voor een zetel in de VNG-commissie Gemeentefinanciën. "
            "Als wethouder financiën kent de kandidaat de gemeentelijke begroting en de verhouding met "
            "het Gemeentefonds van binnenuit."
        ),
        actor=secretary,
    )
    return 2 if pending else 1
