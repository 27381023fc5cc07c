"""Check-in on the day: the code a registrant shows at the door (a QR code in the confirmation
mail, the .ics and "Mijn aanmeldingen"), checking someone in by that code exactly once, and
walk-ins added at the door.

The code is signed per registration (events/tokens.py). It is carried as a link,
/agenda/inchecken/<code>/, so a phone's own camera app opens the check-in page too; the page's
scanner and its "code invoeren" field accept the link or the bare code. Checking in is a
conditional update (only a confirmed registration not yet present), so two scans at once — two
phones at two doors — count once, and the second is told when the first was.
"""

from __future__ import annotations

import io

import segno
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Organisation
from vzhg.errors import ServiceError
from vzhg.history import history_note
from vzhg.site import absolute_url

from .models import Event, Registration
from .tokens import SEP, checkin_token_make, checkin_token_pk, checkin_token_valid

# The longest code we read: a link with a code in it (pk, separator, 43-character signature).
CODE_MAX_LENGTH = 300


def checkin_url(*, registration: Registration) -> str:
    """The check-in link of a registration: what its QR code holds."""
    token = checkin_token_make(registration=registration)
    return absolute_url(reverse("events:checkin_code", kwargs={"token": token}))


# One fixed mask pattern: choosing the best of the eight (segno's default) took most of a
# registration's CPU time under a rush (issue 15); every reader decodes any mask.
QR_MASK = 0


def checkin_qr_svg(*, url: str, title: str = "") -> str:
    """The QR code of `url` as an inline SVG element (no style attributes: the CSP allows it)."""
    code = segno.make(url, error="m", mask=QR_MASK)
    return code.svg_inline(scale=4, title=title or None, light="#fff", omitsize=False)


def checkin_qr_png(*, url: str) -> bytes:
    """The QR code of `url` as a PNG image (for the mail: mail readers do not show SVG)."""
    out = io.BytesIO()
    segno.make(url, error="m", mask=QR_MASK).save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def checkin_code_token(code: str) -> str:
    """The code inside what was scanned or typed: a check-in link or the bare code."""
    code = code.strip()[:CODE_MAX_LENGTH]
    if "/" in code:
        code = next((part for part in reversed(code.split("/")) if part), "")
    return code if SEP in code else ""


def _display_name(registration: Registration) -> str:
    if registration.person_id:
        return registration.person.full_name
    return registration.walk_in_name or _("(anonymised)")


def checkin_label(registration: Registration) -> str:
    """ "Anouk Visser, Leiden": who was checked in, as the door sees it."""
    name = _display_name(registration)
    return f"{name}, {registration.organisation.name}" if registration.organisation_id else name


def registration_check_in_by_code(*, event: Event, code: str, actor, now=None) -> Registration:
    """Check the registration whose code was scanned or typed in, exactly once.

    Refused (ServiceError) with code "unknown" (no such code for this event, or tampered with),
    "already" (present since …: a second scan never counts twice) or "not_confirmed"."""
    token = checkin_code_token(code)
    pk = checkin_token_pk(token)
    registration = (
        Registration.objects.select_related("person", "organisation").filter(pk=pk, event=event).first()
        if pk is not None
        else None
    )
    if registration is None or not checkin_token_valid(token=token, registration=registration):
        raise ServiceError(_("Unknown code: it is not a check-in code for this event."), "unknown")
    now = now or timezone.now()
    with transaction.atomic():
        # The conditional update is the claim: of two scans at once, one updates the row.
        claimed = Registration.objects.filter(
            pk=registration.pk, status=Registration.Status.CONFIRMED, attended=False
        ).update(attended=True, attended_at=now, updated_at=now)
        if claimed:
            registration.attended, registration.attended_at = True, now
            history_note(registration, actor=actor, reason="check-in by code")
            registration.save(update_fields=["attended", "attended_at", "updated_at"])
            return registration
    registration.refresh_from_db(fields=["status", "attended", "attended_at"])
    if registration.attended and registration.attended_at is not None:
        raise ServiceError(
            _("Already checked in at %(time)s: %(who)s")
            % {
                "time": timezone.localtime(registration.attended_at).strftime("%H:%M"),
                "who": checkin_label(registration),
            },
            "already",
        )
    raise ServiceError(
        _("%(who)s has no confirmed place: not checked in.") % {"who": checkin_label(registration)},
        "not_confirmed",
    )


def registration_walk_in_create(
    *, event: Event, name: str, organisation: Organisation | None, email: str = "", actor, now=None
) -> Registration:
    """Someone at the door without a registration: a confirmed registration marked walk-in and
    present at once, counted like any other (present, municipalities present). The event's
    capacity does not stop them: they are already in the room."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("Enter the name of the walk-in."), "name")
    if event.status == Event.Status.CANCELLED:
        raise ServiceError(_("This event has been cancelled."), "cancelled")
    now = now or timezone.now()
    registration = Registration(
        event=event,
        organisation=organisation,
        status=Registration.Status.CONFIRMED,
        confirmed_at=now,
        attended=True,
        attended_at=now,
        walk_in=True,
        walk_in_name=name[:200],
        walk_in_email=email.strip().lower(),
    )
    with transaction.atomic():
        history_note(registration, actor=actor, reason="walk-in")
        registration.save()
    return registration
