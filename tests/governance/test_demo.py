import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from events.models import Event, Registration
from governance.models import (
    AgendaItem,
    AnnualReport,
    Body,
    Mandate,
    Meeting,
    MeetingPack,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Theme,
    Workplan,
)
from governance.reports import annual as report_annual
from governance.reports import selectors as report_selectors

pytestmark = pytest.mark.django_db


def _report_counts():
    return [
        Workplan.objects.count(),
        PlannedActivity.objects.count(),
        PlannedActivity.events.through.objects.count(),
        PlannedActivity.meetings.through.objects.count(),
        ProgressReport.objects.count(),
        AnnualReport.objects.count(),
        ReportVersion.objects.count(),
        Event.objects.count(),
        Registration.objects.count(),
        Theme.objects.count(),
    ]


def test_demo_data_loads_governance_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = [
        Body.objects.count(),
        Mandate.objects.count(),
        Meeting.objects.count(),
        MeetingPack.objects.count(),
    ]
    call_command("demo_data", stdout=io.StringIO())
    assert [
        Body.objects.count(),
        Mandate.objects.count(),
        Meeting.objects.count(),
        MeetingPack.objects.count(),
    ] == counts

    # Only last year's change of AB seat still has to be registered with the KvK.
    from governance.board.selectors import kvk_todo

    last_year = timezone.localdate().year - 1
    todo = list(kvk_todo())
    assert len(todo) == 2 and all(
        datetime.date(last_year, 5, 20) in (mandate.start, mandate.end)
        or datetime.date(last_year, 5, 21) == mandate.start
        for mandate in todo
    )

    assert set(Body.objects.values_list("kind", flat=True)) == {
        "alv",
        "ab",
        "db",
        "kascommissie",
        "stuurgroep",
    }
    board = Mandate.objects.filter(person__email="bestuur@gouda.nl").values_list("body__kind", flat=True)
    assert {"ab", "db"} <= set(board)
    assert set(Mandate.Role.values) <= set(Mandate.objects.values_list("role", flat=True))
    assert AgendaItem.objects.filter(confidential=True).exists()
    assert Meeting.objects.filter(body__kind="alv").exists()
    # This year's ALV is held at the spring congress.
    assert Meeting.objects.filter(body__kind="alv", event__slug="alv-en-voorjaarscongres").exists()
    assert (
        Meeting.objects.filter(status="held").exists() and Meeting.objects.filter(status="published").exists()
    )
    # Every meeting with documents has its pack; the workplan demo's past meetings have none.
    with_documents = Meeting.objects.filter(items__documents__isnull=False).distinct()
    assert with_documents.count() == 5
    assert MeetingPack.objects.filter(status="ready").count() == with_documents.count()
    assert not MeetingPack.objects.exclude(status="ready").exists()


def test_demo_data_adds_workplans_and_last_years_annual_report_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = _report_counts()
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert _report_counts() == counts
    assert "Reports demo: 2 workplans (0 new)" in out.getvalue()

    today = timezone.localdate()
    this_year, last_year = today.year, today.year - 1
    assert set(Workplan.objects.values_list("year", flat=True)) == {last_year, this_year}
    for slug in ["participatie-polarisatie", "brede-welvaart", "ruimtelijke-puzzel", "jeugd",
                 "asiel-migratie", "netwerken-samenwerkingsverbanden"]:  # fmt: skip
        theme = Theme.objects.get(slug=slug)
        assert theme.description
        assert set(theme.activities.values_list("workplan__year", flat=True)) == {last_year, this_year}

    previous = Workplan.objects.get(year=last_year)
    assert previous.status == Workplan.Status.ADOPTED
    assert previous.adopted_by.kind == Body.Kind.AB and previous.adopted_at.status == Meeting.Status.HELD
    assert previous.adopted_at.starts_at.year == last_year and previous.adopted_at.starts_at.month <= 2
    assert [section.title for section in previous.sections.all()] == [
        "Inleiding",
        "Organisatie",
        "Doelstellingen",
    ]
    lines = {line.activity.title: line for line in report_selectors.activity_lines(workplan=previous)}
    assert len(lines) == 12
    for title, planned in [("Dagelijks bestuur", 6), ("Algemeen bestuur", 6),
                           ("Themabijeenkomsten", 6), ("Strategennetwerk", 3),
                           ("Najaarscongres met de provincie", 1), ("Heisessie", 1)]:  # fmt: skip
        assert lines[title].activity.planned_count == planned
        assert lines[title].realised == planned, title
    theme_meetings = lines["Themabijeenkomsten"].activity
    assert theme_meetings.objectives.count() == 4 and theme_meetings.objective_lines
    assert theme_meetings.themes.count() == 6
    board_people = set(
        Mandate.objects.filter(body__kind__in=["ab", "db"]).values_list("person_id", flat=True)
    )
    responsible = set(PlannedActivity.responsible.through.objects.values_list("person_id", flat=True))
    assert responsible and responsible <= board_people
    # Both halves reported for every activity, in all three colours.
    assert ProgressReport.objects.filter(activity__workplan=previous).count() == 24
    assert set(
        ProgressReport.objects.filter(activity__workplan=previous).values_list("light", flat=True)
    ) == {
        "green",
        "orange",
        "red",
    }

    report = AnnualReport.objects.get(year=last_year)
    assert report.is_public and [section.title for section in report.sections.all()] == [
        "Voorwoord",
        "Financiën in het kort",
    ]
    data = report_annual.annual_report_data(year=last_year, report=report)
    assert data.event_totals["count"] >= 12 and data.event_totals["attended"] > 0
    assert data.event_totals["attended"] < data.event_totals["registrations"]
    assert 0 < len(data.engagement.not_reached) < data.engagement.members
    assert {group.body.kind for group in data.meetings} == {"alv", "ab", "db"}
    assert all(event.ends_at < timezone.now() for event in data.events)
    assert len(data.newsletters) == 2 and all(newsletter.delivered > 0 for newsletter in data.newsletters)

    current = Workplan.objects.get(year=this_year)
    current_lines = report_selectors.activity_lines(workplan=current)
    assert sum(line.realised + line.upcoming for line in current_lines) > 0
    first_half = ProgressReport.objects.filter(activity__workplan=current)
    if today.month > 6:
        assert first_half.exists() and not first_half.filter(half=2).exists()
        assert {"green", "orange", "red"} <= set(first_half.values_list("light", flat=True))
    if today > datetime.date(this_year, 1, 23):
        assert current.status == Workplan.Status.ADOPTED
        assert (
            report_selectors.published_version(kind=ReportVersion.Kind.WORKPLAN, year=this_year).page_count
            > 1
        )
    # the published annual report has a published PDF, so its public page links to one
    assert (
        report_selectors.published_version(kind=ReportVersion.Kind.ANNUAL_REPORT, year=last_year).page_count
        > 1
    )


def test_second_demo_run_keeps_edits_to_the_workplan(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    plan = Workplan.objects.get(year=timezone.localdate().year - 1)
    activity = plan.activities.get(title="Strategennetwerk")
    activity.title = "Strategennetwerk Zuid-Holland"
    activity.save()
    activity.events.clear()
    ProgressReport.objects.filter(activity=activity).delete()
    AnnualReport.objects.filter(year=plan.year).update(status=AnnualReport.Status.CONCEPT)

    call_command("demo_data", stdout=io.StringIO())

    activity.refresh_from_db()
    assert activity.title == "Strategennetwerk Zuid-Holland"
    assert not activity.events.exists() and not activity.progress_reports.exists()
    assert not plan.activities.filter(title="Strategennetwerk").exists()
    assert AnnualReport.objects.get(year=plan.year).status == AnnualReport.Status.CONCEPT


def test_demo_data_holds_adopted_minutes_attendance_and_open_actions(settings, tmp_path):
    from governance.models import Action, Attendance, Minutes

    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = [Minutes.objects.count(), Attendance.objects.count(), Action.objects.count()]
    call_command("demo_data", stdout=io.StringIO())

    assert [Minutes.objects.count(), Attendance.objects.count(), Action.objects.count()] == counts
    held = Meeting.objects.filter(status=Meeting.Status.HELD, starts_at__lt=timezone.now())
    assert Minutes.objects.count() == held.count() > 0
    assert Minutes.objects.filter(status=Minutes.Status.ADOPTED).exists()
    assert Attendance.objects.filter(status=Attendance.Status.PRESENT).exists()
    assert Action.objects.filter(status=Action.Status.OPEN, owner__isnull=False).exists()


def test_every_demo_municipality_has_a_burgemeester_and_a_griffier_to_convoke(settings, tmp_path):
    from governance.board import convocation
    from members.models import Organisation

    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())

    people = convocation.convocation_people()
    municipalities = Organisation.objects.member_municipalities()
    assert municipalities.count() == 50
    per_municipality = {}
    for person in people:
        per_municipality.setdefault(person.organisation.name, []).append(person.function)
    assert set(per_municipality) == set(municipalities.values_list("name", flat=True))
    assert all(sorted(functions) == ["burgemeester", "griffier"] for functions in per_municipality.values())
    # Each at the municipality's own domain; the demo log-ins are among them.
    assert all(
        person.email.endswith("@" + person.organisation.email_domains.first().domain) for person in people
    )
    assert {"bestuur@gouda.nl", "lid@delft.nl"} <= {person.email for person in people}

    # Convoking the demo's coming ALV reaches both people in each of the 50.
    from governance.models import ConvocationRecipient

    alv = Meeting.objects.get(body__kind="alv", event__slug="alv-en-voorjaarscongres")
    queued = convocation.meeting_convocation_send(meeting_id=alv.pk, kind="convocation", round=1)
    assert queued == 100
    assert ConvocationRecipient.objects.filter(meeting=alv).values("organisation").distinct().count() == 50


def _assembly_counts():
    from governance.models import Ballot, Delegate, Motion, Presence, Proxy, Vote

    return [
        model.objects.count()
        for model in (Delegate, Delegate.history.model, Presence, Proxy, Vote, Ballot, Motion)
    ]


def test_demo_data_holds_last_years_alv_as_an_assembly(settings, tmp_path):
    from governance.board import assembly, votes
    from governance.models import Action, Ballot, Delegate, Minutes, Motion, Proxy, Vote

    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = _assembly_counts() + [Action.objects.count(), Minutes.objects.count()]
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert _assembly_counts() + [Action.objects.count(), Minutes.objects.count()] == counts
    assert "last year's ALV: 0 delegates, 0 municipalities present, 0 votes closed, 0 actions (0 new)" in (
        out.getvalue()
    )

    today = timezone.localdate()
    alv = Meeting.objects.get(body__kind="alv", starts_at__year=today.year - 1)
    assert alv.status == Meeting.Status.HELD and alv.starts_at < timezone.now()
    # held together with last year's spring congress, on the same day
    assert alv.event.kind == "alv_congress"
    assert timezone.localtime(alv.event.starts_at).date() == timezone.localtime(alv.starts_at).date()
    assert alv.items.filter(kind=AgendaItem.Kind.BESLUITVORMING).exclude(decision="").count() >= 4

    # A delegate for most municipalities, a deputy for some; one changed by the secretariat.
    delegates = Delegate.objects.filter(meeting=alv)
    assert 40 <= delegates.count() < 50
    assert delegates.filter(deputy__isnull=False).exists()
    assert not delegates.exclude(person__organisation=F("municipality")).exists()
    changed = Delegate.history.filter(meeting_id=alv.pk, history_user__email="secretariaat@vzhg.nl")
    assert changed.count() == 1
    assert Delegate.history.filter(id=changed.get().id).count() == 2

    # 38 of the 50 present; the default rules allow no proxy, so none is made.
    summary = assembly.presence_summary(meeting=alv)
    assert (summary.present_count, summary.members, len(summary.absent)) == (38, 50, 12)
    assert not Proxy.objects.filter(meeting=alv).exists()

    # Two motions, each decided by a closed vote: one named, one secret.
    named, secret = Vote.objects.filter(meeting=alv).order_by("opened_at")
    assert (named.status, secret.status) == (Vote.Status.CLOSED, Vote.Status.CLOSED)
    assert (named.secret, secret.secret) == (False, True)
    assert (named.result, named.votes_for, named.votes_against, named.votes_abstain) == ("adopted", 33, 3, 2)
    assert (secret.result, secret.votes_for, secret.votes_against, secret.votes_abstain) == (
        "rejected",
        9,
        27,
        2,
    )
    assert (
        alv.starts_at
        < named.opened_at
        < named.closed_at
        < secret.opened_at
        < alv.starts_at + datetime.timedelta(hours=4)
    )
    for vote in (named, secret):
        assert Ballot.objects.filter(vote=vote).count() == 38
        motion = vote.motion
        assert (motion.outcome, motion.votes_for, motion.votes_against) == (
            vote.result,
            vote.votes_for,
            vote.votes_against,
        )
        assert motion.outcome_note
    assert Motion.objects.filter(meeting=alv).count() == 2
    tally = votes.vote_tally(vote=named, named=True)
    assert len(tally.named) == 38 and all(ballot.choice for ballot in tally.named)
    assert not Ballot.objects.filter(vote=secret).exclude(choice="").exists()
    gouda = Ballot.objects.get(vote=named, municipality__name="Gouda")
    assert (gouda.choice, gouda.cast_by.email) == ("for", "bestuur@gouda.nl")
    assert Ballot.objects.get(vote=named, municipality__name="Delft").cast_by.email == "lid@delft.nl"

    # The minutes say who was there and how the votes went; adopted at the next ALV once it was held.
    minutes = Minutes.objects.get(meeting=alv)
    assert "38 van de 50 gemeenten zijn aanwezig" in minutes.text
    assert "Motie wachtlijsten jeugdzorg**: aangenomen, 33 voor" in minutes.text
    following = (
        Meeting.objects.filter(body__kind="alv", starts_at__gt=alv.starts_at).order_by("starts_at").first()
    )
    if following.status == Meeting.Status.HELD:
        assert minutes.status == Minutes.Status.ADOPTED
        assert minutes.adoption_item.meeting == following
        assert minutes.adoption_item.title.startswith("Vaststellen notulen")
    else:  # before this year's ALV (January to May): still a concept
        assert minutes.status == Minutes.Status.CONCEPT

    # Actions agreed there, open and done.
    actions = Action.objects.filter(meeting=alv)
    assert set(actions.values_list("status", flat=True)) == {"open", "done"}
    assert actions.filter(owner__email="bestuur@gouda.nl", status="open").exists()

    # The annual report of last year lists the ALV's motions with their outcome.
    data = report_annual.annual_report_data(year=today.year - 1)
    (group,) = [group for group in data.meetings if group.body.kind == Body.Kind.ALV]
    (meeting,) = group.meetings
    assert [(motion.title, motion.outcome) for motion in meeting.motions.all()] == [
        ("Motie wachtlijsten jeugdzorg", "adopted"),
        ("Motie vergaderen in de avond", "rejected"),
    ]


def test_last_years_alv_has_a_proxy_when_the_rules_allow_one(settings, tmp_path):
    from governance.board import assembly
    from governance.models import AssemblyRules, Ballot, Proxy, Vote

    settings.MEDIA_ROOT = tmp_path
    AssemblyRules.objects.create(pk=1, proxies_allowed=True, max_proxies_per_delegate=1)
    call_command("demo_data", stdout=io.StringIO())

    alv = Meeting.objects.get(body__kind="alv", starts_at__year=timezone.localdate().year - 1)
    proxy = Proxy.objects.get(meeting=alv)
    summary = assembly.presence_summary(meeting=alv)
    assert (summary.present_count, summary.represented) == (38, 1)
    for vote in Vote.objects.filter(meeting=alv):
        assert Ballot.objects.filter(vote=vote).count() == 39
    assert Ballot.objects.filter(municipality=proxy.grantor).count() == 2
    assert f"{proxy.grantor} is bij volmacht vertegenwoordigd" in alv.minutes.text
