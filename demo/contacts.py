"""Contacts demo: last year's and this year's overleggen with the province (CdK, GS,
provinciesecretaris) and the VNG (voorzitters- and secretarissenoverleg), and a few signals in
various states. The texts are in demo/data/contacts.json.

Two steps: `demo_load` (after the governance demo: it needs the board, the themes and the
commission seats) makes the talks and signals, so last year's annual report PDF, rendered by the
reports demo, counts them; `demo_link` (after the reports demo) links each talk to the activity of
that year's workplan it realises, so planned vs realised counts it. Years are relative to today,
as the workplans of the reports demo are (last year and this year).

Idempotent: with any contact moment present nothing is made; links are only added."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from contacts import services as contact_services
from contacts.models import ContactAction, ContactMoment, Signal
from governance.models import Body, CommissionSeat, Mandate, PlannedActivity, Theme
from members.models import Organisation, Person

from .content import load_json

SECRETARY_EMAIL = "secretariaat@vzhg.nl"


def _people() -> dict[str, list[Person]]:
    chair = (
        Mandate.objects.filter(body__kind=Body.Kind.DB, role=Mandate.Role.VOORZITTER, end__isnull=True)
        .select_related("person")
        .first()
    )
    secretary = Person.objects.filter(email=SECRETARY_EMAIL).first()
    return {
        "chair": [chair.person] if chair else [],
        "secretary": [secretary] if secretary else [],
        "province": list(
            Person.objects.filter(organisation__kind=Organisation.Kind.PROVINCE).order_by("pk")[:2]
        ),
        "vng": list(Person.objects.filter(organisation__kind=Organisation.Kind.VNG).order_by("pk")[:1]),
    }


def _organisations() -> dict[str, list[Organisation]]:
    return {
        "province": list(Organisation.objects.filter(kind=Organisation.Kind.PROVINCE)),
        "vng": list(Organisation.objects.filter(kind=Organisation.Kind.VNG)),
    }


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if ContactMoment.objects.exists():
        stdout.write("Contacts demo: contact moments exist already; nothing made.")
        return
    data = load_json("contacts.json")
    people = _people()
    organisations = _organisations()
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    seat = CommissionSeat.objects.active_on(today).select_related("person").order_by("pk").first()
    with transaction.atomic():
        for spec in data["moments"]:
            date = datetime.date(today.year + spec["year"], spec["month"], spec["day"])
            moment = ContactMoment.objects.create(
                date=date,
                counterpart=spec["counterpart"],
                title=spec["title"],
                theme=themes.get(spec["theme"]),
                report=spec["report"],
            )
            moment.our_participants.set([person for key in spec["ours"] for person in people[key]])
            moment.their_participants.set([person for key in spec["theirs"] for person in people[key]])
            moment.organisations.set([org for key in spec["theirs"] for org in organisations.get(key, [])])
            for title, owner, due_days, done in spec["actions"]:
                ContactAction.objects.create(
                    contact_moment=moment,
                    title=title,
                    owner=(people[owner] or [None])[0],
                    due=date + datetime.timedelta(days=due_days),
                    done=done,
                )
        for spec in data["signals"]:
            received = datetime.date(today.year + spec["year"], spec["month"], spec["day"])
            signal = Signal.objects.create(
                title=spec["title"],
                text=spec["text"],
                theme=themes.get(spec["theme"]),
                organisation=Organisation.objects.filter(name=spec["municipality"]).first(),
                received_on=received,
            )
            forward_on = spec["forwarded_days"] and received + datetime.timedelta(days=spec["forwarded_days"])
            if spec["forwarded_to"] and forward_on and forward_on <= today:
                if spec["forwarded_to"] == Signal.ForwardedTo.COMMISSION_MEMBER and seat is None:
                    continue
                contact_services.signal_forward(
                    signal=signal, forwarded_to=spec["forwarded_to"], seat=seat, on=forward_on
                )
            close_on = spec["closed_days"] and received + datetime.timedelta(days=spec["closed_days"])
            if spec["outcome"] and close_on and close_on <= today:
                contact_services.signal_close(signal=signal, outcome=spec["outcome"], on=close_on)
    stdout.write(
        f"Contacts demo: {ContactMoment.objects.count()} contact moments, {Signal.objects.count()} signals"
    )


def demo_link(*, stdout, today: datetime.date | None = None) -> None:
    """Each talk to its activity in that year's workplan (by the activity's title in workplan.json)."""
    today = today or timezone.localdate()
    titles = {spec["key"]: spec["title"] for spec in load_json("workplan.json")["activities"]}
    linked = 0
    with transaction.atomic():
        for spec in load_json("contacts.json")["moments"]:
            if not spec["activity"]:
                continue
            year = today.year + spec["year"]
            date = datetime.date(year, spec["month"], spec["day"])
            activity = PlannedActivity.objects.filter(
                workplan__year=year, title=titles[spec["activity"]]
            ).first()
            moment = ContactMoment.objects.filter(date=date, counterpart=spec["counterpart"]).first()
            if activity and moment and not moment.activities.filter(pk=activity.pk).exists():
                moment.activities.add(activity)
                linked += 1
    stdout.write(f"Contacts demo: {linked} contact moments linked to workplan activities")
