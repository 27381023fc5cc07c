"""iCalendar (.ics) files for events: the invitation attached to the mail and the personal feed.

Times are written with TZID=Europe/Amsterdam and the matching VTIMEZONE, which Outlook and
Google Calendar both need to place the event correctly.
"""

from email.utils import parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Timezone, vCalAddress, vText
from icalendar import Event as VEvent

from vzhg.site import absolute_url

PRODID = "-//VZHG//Agenda//NL"
TZID = "Europe/Amsterdam"


def content_type(method: str) -> str:
    """The MIME type of an .ics attachment. The mail library adds `charset` itself: naming it here
    too would put it in the header twice, which some mail programs reject."""
    return f"text/calendar; method={method}"


def event_uid(event) -> str:
    return f"event-{event.pk}@vzhg.nl"


def event_location(event) -> str:
    if event.venue_name:
        return ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    return "Online"


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add_component(_vtimezone())
    return calendar


# The EU rule (since 1996): summer time from the last Sunday of March 02:00 to the last Sunday of
# October 03:00. Written as RRULEs, the compact form Outlook itself produces and Google reads; the
# generated alternative lists every transition since 1970 as RDATEs and stops in 2038.
VTIMEZONE_EUROPE_AMSTERDAM = """BEGIN:VTIMEZONE
TZID:Europe/Amsterdam
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


@lru_cache(maxsize=1)
def _vtimezone() -> Timezone:
    """VTIMEZONE for Europe/Amsterdam, parsed once."""
    return Timezone.from_ical(VTIMEZONE_EUROPE_AMSTERDAM.replace("\n", "\r\n"))


def _vevent(
    *,
    event,
    attendee_email: str = "",
    attendee_name: str = "",
    cancelled: bool = False,
    description: str = "",
    sequence: int = 0,
    online_url: str = "",
) -> VEvent:
    zone = ZoneInfo(TZID)
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.title)
    vevent.add("location", online_url if (online_url and not event.venue_name) else event_location(event))
    vevent.add("description", description or event.summary or event.title)
    vevent.add("url", absolute_url(event.get_absolute_url()))
    vevent.add("sequence", sequence)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = vText("VZHG")
    vevent.add("organizer", organizer)
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        if attendee_name:
            attendee.params["cn"] = vText(attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
        vevent.add("attendee", attendee)
    vevent.add("status", "CANCELLED" if cancelled or event.status == event.Status.CANCELLED else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    return vevent


def registration_ics(*, registration, method: str = "REQUEST", description: str = "") -> bytes:
    """One VEVENT for a registration (METHOD:REQUEST to add/update it, CANCEL to remove it).

    The UID is the event's, so every version replaces the one before in the calendar; SEQUENCE is
    the event's stored counter (Event.ics_sequence), raised on each change that must reach it."""
    person = registration.person
    cancelled = method == "CANCEL"
    calendar = _calendar(method)
    calendar.add_component(
        _vevent(
            event=registration.event,
            attendee_email=person.email if person else "",
            attendee_name=person.full_name if person else "",
            cancelled=cancelled,
            description=description,
            sequence=registration.event.ics_sequence,
            online_url=registration.event.online_url if not cancelled else "",
        )
    )
    return calendar.to_ical()


def feed_ics(*, registrations, name: str) -> bytes:
    """A calendar feed (METHOD:PUBLISH) with one VEVENT per confirmed registration."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    for registration in registrations:
        event = registration.event
        description = event.summary
        if event.online_url:
            description = f"{description}\n{event.online_url}".strip()
        calendar.add_component(
            _vevent(
                event=event, description=description, online_url=event.online_url, sequence=event.ics_sequence
            )
        )
    return calendar.to_ical()
