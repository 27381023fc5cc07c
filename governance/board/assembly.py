"""The ALV as an assembly of member municipalities: the voting rules (weights, quorum), the
delegate of each municipality, and who is present on the day."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import AssemblyRules, Body, Delegate, Meeting, MunicipalityWeight, Presence, Proxy
from members.models import Organisation, Person
from vzhg.errors import ServiceError
from vzhg.history import history_note


def naming_functions() -> list[str]:
    """Who of a member municipality names its delegate: the designated people, the same functions
    the convocation goes to (setting GOVERNANCE_CONVOCATION_FUNCTIONS; burgemeester and griffier)."""
    return list(settings.GOVERNANCE_CONVOCATION_FUNCTIONS)


def person_may_name(person: Person | None) -> bool:
    """A designated person (naming_functions) of a member municipality; no query when the
    person's organisation is loaded."""
    if person is None or person.function not in naming_functions():
        return False
    organisation = person.organisation
    return organisation is not None and organisation.is_member


def rules_get() -> AssemblyRules:
    """The association's voting rules (the single row, created with the defaults when absent)."""
    rules, _created = AssemblyRules.objects.get_or_create(pk=1)
    return rules


def weights(*, rules: AssemblyRules) -> dict[int, int]:
    """Municipality id -> votes, for the municipalities whose weight differs from the default."""
    return dict(MunicipalityWeight.objects.filter(rules=rules).values_list("municipality_id", "weight"))


def rules_summary(*, rules: AssemblyRules, members: int) -> str:
    """The rules in one sentence, shown on the presence page and with every result."""
    parts = [_("%(weight)d vote(s) per member municipality") % {"weight": rules.default_weight}]
    if MunicipalityWeight.objects.filter(rules=rules).exists():
        parts[0] += _(" (some municipalities have another weight)")
    parts.append(quorum_text(rules=rules, members=members))
    if rules.proxies_allowed:
        parts.append(
            _("proxies allowed, at most %(count)d per delegate") % {"count": rules.max_proxies_per_delegate}
        )
    else:
        parts.append(_("no proxies"))
    return "; ".join(parts)


def quorum_needed(*, rules: AssemblyRules, members: int) -> int:
    """How many member municipalities must be present (0: no quorum)."""
    if rules.quorum == AssemblyRules.Quorum.NUMBER:
        return rules.quorum_value or 0
    if rules.quorum == AssemblyRules.Quorum.SHARE:
        share = rules.quorum_value or 0
        return -(-members * share // 100)  # rounded up
    return 0


def quorum_text(*, rules: AssemblyRules, members: int) -> str:
    needed = quorum_needed(rules=rules, members=members)
    if not needed:
        return _("no quorum")
    if rules.quorum == AssemblyRules.Quorum.SHARE:
        return _("quorum: %(share)d%% of the member municipalities (%(needed)d of %(members)d) present") % {
            "share": rules.quorum_value,
            "needed": needed,
            "members": members,
        }
    return _("quorum: %(needed)d member municipalities present") % {"needed": needed}


def check_alv(meeting: Meeting) -> None:
    if meeting.body.kind != Body.Kind.ALV:
        raise ServiceError(_("Only a general assembly (ALV) has delegates and votes."), code="not_alv")


def may_name_delegate(*, user, municipality: Organisation) -> bool:
    """A designated person (griffier or burgemeester) of the member municipality itself."""
    if not user.is_authenticated:
        return False
    person = Person.objects.filter(user=user).only("organisation_id", "function").first()
    return bool(
        person
        and municipality.is_member
        and person.organisation_id == municipality.pk
        and person.function in naming_functions()
    )


def delegate_problem(
    *, meeting: Meeting, municipality: Organisation, person: Person, deputy: Person | None = None
) -> str | None:
    """Why this person (and deputy) cannot be the municipality's delegate at this meeting, or None."""
    if meeting.body.kind != Body.Kind.ALV:
        return _("Only a general assembly (ALV) has delegates and votes.")
    if not municipality.is_member:
        return _("%(name)s is not a member municipality.") % {"name": municipality}
    for someone in (person, deputy):
        if someone is not None and someone.organisation_id != municipality.pk:
            return _("%(person)s does not work for %(municipality)s.") % {
                "person": someone,
                "municipality": municipality,
            }
    if deputy is not None and deputy.pk == person.pk:
        return _("The deputy must be someone other than the delegate.")
    return None


@transaction.atomic
def delegate_set(
    *, meeting: Meeting, municipality: Organisation, person: Person, deputy: Person | None = None, actor=None
) -> Delegate:
    """Name (or change) the municipality's delegate and deputy for this ALV; the change is kept
    in the history with who made it."""
    check_alv(meeting)
    if not municipality.is_member:
        raise ServiceError(
            _("%(name)s is not a member municipality.") % {"name": municipality}, code="not_member"
        )
    problem = delegate_problem(meeting=meeting, municipality=municipality, person=person, deputy=deputy)
    if problem:
        raise ServiceError(problem, code="wrong_municipality")
    delegate = Delegate.objects.select_for_update().filter(meeting=meeting, municipality=municipality).first()
    if delegate is None:
        delegate = Delegate(meeting=meeting, municipality=municipality)
    delegate.person = person
    delegate.deputy = deputy
    history_note(delegate, actor=actor)
    try:
        with transaction.atomic():
            delegate.save()
    except IntegrityError as error:  # someone else named one at the same moment
        raise ServiceError(
            _("Another delegate was just named for %(municipality)s; reload the page.")
            % {"municipality": municipality},
            code="conflict",
        ) from error
    return delegate


def delegate_for_user(*, user, meeting: Meeting) -> Delegate | None:
    """The delegation this user votes for at this meeting (as delegate or deputy), if any."""
    if not user.is_authenticated:
        return None
    return (
        Delegate.objects.filter(meeting=meeting)
        .filter(Q(person__user=user) | Q(deputy__user=user))
        .select_related("municipality", "person", "deputy")
        .first()
    )


@transaction.atomic
def presence_check_in(
    *, meeting: Meeting, municipality: Organisation, person: Person | None = None, actor=None
) -> Presence:
    """Record that the municipality is present (its delegate or deputy checked in)."""
    check_alv(meeting)
    if not municipality.is_member:
        raise ServiceError(
            _("%(name)s is not a member municipality.") % {"name": municipality}, code="not_member"
        )
    if person is None:
        delegate = Delegate.objects.filter(meeting=meeting, municipality=municipality).first()
        person = delegate.person if delegate else None
    presence, created = Presence.objects.get_or_create(
        meeting=meeting,
        municipality=municipality,
        defaults={"person": person, "checked_in_at": timezone.now()},
    )
    if not created and person is not None and presence.person_id != person.pk:
        presence.person = person
        history_note(presence, actor=actor)
        presence.save(update_fields=["person"])
    return presence


def self_check_in_problem(*, meeting: Meeting, now=None) -> str | None:
    """Why a delegate cannot check in themselves now, or None: only on the meeting's day (from
    its start at the latest) and not once the meeting is marked held."""
    now = now or timezone.now()
    if meeting.status != Meeting.Status.PUBLISHED or timezone.localdate(now) > timezone.localdate(
        meeting.starts_at
    ):
        return _("This general assembly is over; checking in is no longer possible.")
    if timezone.localdate(now) < timezone.localdate(meeting.starts_at):
        return _("You can check in on the day of the general assembly.")
    return None


@transaction.atomic
def presence_self_check_in(*, meeting: Meeting, user, now=None) -> tuple[Presence, bool]:
    """The delegate (or deputy) taps "I am present": their municipality is recorded present, by
    them. Returns (presence, created); a second tap, or a municipality the secretariat already
    checked in, changes nothing (created is False)."""
    check_alv(meeting)
    delegation = delegate_for_user(user=user, meeting=meeting)
    if delegation is None:
        raise ServiceError(
            _("You are not the delegate of a municipality at this meeting."), code="not_delegate"
        )
    problem = self_check_in_problem(meeting=meeting, now=now)
    if problem:
        raise ServiceError(problem, code="not_today")
    person = (
        delegation.deputy if delegation.deputy and delegation.deputy.user_id == user.pk else delegation.person
    )
    presence, created = Presence.objects.get_or_create(
        meeting=meeting,
        municipality=delegation.municipality,
        defaults={"person": person, "checked_in_at": now or timezone.now(), "self_check_in": True},
    )
    return presence, created


@transaction.atomic
def presence_undo(*, meeting: Meeting, municipality: Organisation, actor=None) -> None:
    for presence in Presence.objects.filter(meeting=meeting, municipality=municipality):
        history_note(presence, actor=actor, reason=_("checked in by mistake"))
        presence.delete()


def proxy_problem(*, meeting: Meeting, grantor: Organisation, holder: Organisation) -> str | None:
    """Why the grantor cannot authorise the holder's delegate at this meeting, or None."""
    rules = rules_get()
    if not rules.proxies_allowed:
        return _("The voting rules of the association do not allow proxies.")
    if grantor.pk == holder.pk or not (grantor.is_member and holder.is_member):
        return _("A proxy goes from one member municipality to another.")
    if not Delegate.objects.filter(meeting=meeting, municipality=holder).exists():
        return _("%(holder)s has no delegate at this meeting yet.") % {"holder": holder}
    proxies = Proxy.objects.filter(meeting=meeting).exclude(grantor=grantor)
    if proxies.filter(grantor=holder).exists() or proxies.filter(holder=grantor).exists():
        return _("A municipality that gives a proxy cannot carry one, and the other way round.")
    if proxies.filter(holder=holder).count() >= rules.max_proxies_per_delegate:
        return _("The delegate of %(holder)s already carries the most proxies allowed (%(count)d).") % {
            "holder": holder,
            "count": rules.max_proxies_per_delegate,
        }
    return None


@transaction.atomic
def proxy_grant(*, meeting: Meeting, grantor: Organisation, holder: Organisation, actor=None) -> Proxy:
    """Record the grantor's proxy to the holder's delegate (replacing an earlier one), within the
    limits of the voting rules. One at a time per meeting (the meeting row is locked)."""
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    check_alv(meeting)
    problem = proxy_problem(meeting=meeting, grantor=grantor, holder=holder)
    if problem:
        raise ServiceError(problem, code="proxy")
    proxy = Proxy.objects.filter(meeting=meeting, grantor=grantor).first() or Proxy(
        meeting=meeting, grantor=grantor
    )
    proxy.holder = holder
    history_note(proxy, actor=actor)
    proxy.save()
    return proxy


def proxies_held(*, meeting: Meeting, holder: Organisation) -> list[Organisation]:
    """The municipalities whose votes the holder's delegate carries."""
    return [
        proxy.grantor
        for proxy in Proxy.objects.filter(meeting=meeting, holder=holder).select_related("grantor")
    ]


def voting_municipalities(*, meeting_id: int):
    """Member municipalities that may vote: present, or represented by a proxy to a present
    municipality's delegate (a queryset, ordered by name)."""
    present = Presence.objects.filter(meeting_id=meeting_id).values("municipality")
    by_proxy = Proxy.objects.filter(meeting_id=meeting_id, holder__in=present).values("grantor")
    return Organisation.objects.filter(Q(pk__in=present) | Q(pk__in=by_proxy)).order_by("name")


def represented_count(*, meeting_id: int) -> int:
    """Municipalities present, or represented by a proxy to a present municipality's delegate."""
    present = Presence.objects.filter(meeting_id=meeting_id)
    by_proxy = (
        Proxy.objects.filter(meeting_id=meeting_id, holder__in=present.values("municipality"))
        .exclude(grantor__in=present.values("municipality"))
        .count()
    )
    return present.count() + by_proxy


@dataclass
class PresenceSummary:
    members: int
    present: list = field(default_factory=list)  # (municipality, presence, delegate)
    absent: list = field(default_factory=list)  # (municipality, delegate, proxy holder or None)
    represented: int = 0  # absent, but their vote is carried by a present delegate (proxy)
    quorum_needed: int = 0
    rules_text: str = ""

    @property
    def present_count(self) -> int:
        return len(self.present)

    @property
    def quorum_met(self) -> bool:
        """Present or represented by a proxy counts towards the quorum."""
        return self.present_count + self.represented >= self.quorum_needed

    @property
    def headline(self) -> str:
        return _("%(present)d of %(members)d municipalities present") % {
            "present": self.present_count,
            "members": self.members,
        }


def presence_summary(*, meeting: Meeting) -> PresenceSummary:
    """Who is present and who is absent (and who carries their proxy), with the quorum from the
    settings: six queries."""
    rules = rules_get()
    municipalities = list(Organisation.objects.member_municipalities().order_by("name"))
    presences = {
        p.municipality_id: p for p in Presence.objects.filter(meeting=meeting).select_related("person")
    }
    delegates = {
        d.municipality_id: d
        for d in Delegate.objects.filter(meeting=meeting).select_related("person", "deputy")
    }
    holders = dict(Proxy.objects.filter(meeting=meeting).values_list("grantor_id", "holder__name"))
    summary = PresenceSummary(members=len(municipalities))
    present_names = {m.name for m in municipalities if m.pk in presences}
    for municipality in municipalities:
        if municipality.pk in presences:
            summary.present.append((municipality, presences[municipality.pk], delegates.get(municipality.pk)))
        else:
            holder = holders.get(municipality.pk)
            summary.absent.append((municipality, delegates.get(municipality.pk), holder))
            if holder in present_names:
                summary.represented += 1
    summary.quorum_needed = quorum_needed(rules=rules, members=summary.members)
    summary.rules_text = rules_summary(rules=rules, members=summary.members)
    return summary
