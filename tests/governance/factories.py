"""Rows for other test modules (tests/test_permissions.py needs one of every admin model)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.samples import sample_pdf
from governance.board import documents as board_documents
from governance.models import AgendaItem, Body, CommissionSeat, Mandate, Meeting, Motion, Theme, VngCommission
from tests.factories import MemberFactory


def governance_one_of_each() -> None:
    person = MemberFactory()
    theme = Theme.objects.create(name="Jeugd", slug="jeugd")
    body = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)
    mandate = Mandate.objects.create(
        person=person, body=body, role=Mandate.Role.VOORZITTER, start=datetime.date(2024, 1, 1)
    )
    mandate.portfolios.add(theme)
    commission = VngCommission.objects.create(name="Bestuur en Veiligheid")
    CommissionSeat.objects.create(person=person, commission=commission, start=datetime.date(2024, 1, 1))
    from governance.models import RecommendationRequest

    RecommendationRequest.objects.create(person=person, commission=commission, motivation="Graag.")
    meeting = Meeting.objects.create(
        body=body, title="DB", starts_at=timezone.now() + datetime.timedelta(days=9)
    )
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Opening")
    board_documents.document_add(
        item=item, title="Stuk", uploaded=SimpleUploadedFile("stuk.pdf", sample_pdf(title="Stuk"))
    )
    alv = Body.objects.create(name="Algemene Ledenvergadering", slug="alv", kind=Body.Kind.ALV)
    alv_meeting = Meeting.objects.create(
        body=alv, title="ALV", starts_at=timezone.now() + datetime.timedelta(days=30)
    )
    motion = Motion.objects.create(
        meeting=alv_meeting, title="Motie jeugdzorg", text="Het DB wordt gevraagd ..."
    )
    motion.submitted_by.add(person.organisation)
    from governance.board.assembly import rules_get
    from governance.models import Delegate, Proxy, Vote
    from tests.factories import MunicipalityFactory

    rules_get()
    Delegate.objects.create(meeting=alv_meeting, municipality=person.organisation, person=person)
    Vote.objects.create(meeting=alv_meeting, motion=motion, title=motion.title)
    Proxy.objects.create(meeting=alv_meeting, grantor=MunicipalityFactory(), holder=person.organisation)
    minutes_one_of_each(person=person, body=body, item=item)


def minutes_one_of_each(*, person, body, item) -> None:
    """Minutes of a held meeting with its attendance, and an action (tests/test_permissions.py)."""
    from governance.models import Action, Attendance, Minutes

    held = Meeting.objects.create(
        body=body,
        title="DB vorige maand",
        starts_at=timezone.now() - datetime.timedelta(days=30),
        status=Meeting.Status.HELD,
    )
    Minutes.objects.create(meeting=held, text="Het DB bespreekt de begroting.")
    Attendance.objects.create(meeting=held, person=person, status=Attendance.Status.PRESENT)
    Action.objects.create(body=body, title="Brief aan de provincie", owner=person, meeting=held)
