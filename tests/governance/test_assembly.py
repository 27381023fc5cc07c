"""The ALV as an assembly: voting rules as settings, delegates, presence and the quorum."""

import pytest

from governance.board import assembly
from governance.models import AssemblyRules, Delegate, MunicipalityWeight
from members.models import Person
from tests.factories import MemberFactory, MunicipalityFactory, OrganisationFactory, UserFactory
from vzhg.errors import ServiceError

from .assembly_data import alv_meeting, delegations

pytestmark = pytest.mark.django_db


def test_the_default_rules_are_one_vote_each_no_quorum_and_no_proxies():
    rules = assembly.rules_get()

    assert (rules.default_weight, rules.quorum, rules.proxies_allowed) == (
        1,
        AssemblyRules.Quorum.NONE,
        False,
    )
    assert assembly.quorum_needed(rules=rules, members=50) == 0
    assert (
        assembly.rules_summary(rules=rules, members=50)
        == "1 vote(s) per member municipality; no quorum; no proxies"
    )


def test_a_quorum_as_a_share_of_the_member_municipalities_is_rounded_up():
    rules = assembly.rules_get()
    rules.quorum, rules.quorum_value = AssemblyRules.Quorum.SHARE, 50
    rules.save()

    assert assembly.quorum_needed(rules=rules, members=49) == 25
    assert "50% of the member municipalities (25 of 49)" in assembly.rules_summary(rules=rules, members=49)


def test_the_database_holds_one_rules_row_and_a_valid_quorum():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AssemblyRules.objects.create(pk=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssemblyRules.objects.create(pk=1, quorum=AssemblyRules.Quorum.SHARE, quorum_value=150)


def test_one_delegate_per_municipality_and_a_change_keeps_who_made_it():
    meeting = alv_meeting(days=10)
    town = MunicipalityFactory()
    first = MemberFactory(organisation=town)
    second = MemberFactory(organisation=town)
    griffier = UserFactory()

    assembly.delegate_set(meeting=meeting, municipality=town, person=first)
    assembly.delegate_set(meeting=meeting, municipality=town, person=second, deputy=first, actor=griffier)

    delegate = Delegate.objects.get()
    assert (delegate.person, delegate.deputy) == (second, first)
    history = list(delegate.history.order_by("history_id"))
    assert [row.person_id for row in history] == [first.pk, second.pk]
    assert history[-1].history_user == griffier


def test_the_database_refuses_a_second_delegate_row():
    from django.db import IntegrityError

    meeting = alv_meeting(days=10)
    town = MunicipalityFactory()
    assembly.delegate_set(meeting=meeting, municipality=town, person=MemberFactory(organisation=town))
    with pytest.raises(IntegrityError):
        Delegate.objects.create(meeting=meeting, municipality=town, person=MemberFactory(organisation=town))


def test_a_delegate_must_work_for_the_municipality_and_the_meeting_be_an_alv(bodies):
    from .conftest import make_meeting

    meeting = alv_meeting(days=10)
    town = MunicipalityFactory()
    with pytest.raises(ServiceError) as refused:
        assembly.delegate_set(meeting=meeting, municipality=town, person=MemberFactory())
    assert "does not work for" in refused.value.message
    partner = OrganisationFactory()
    with pytest.raises(ServiceError) as refused:
        assembly.delegate_set(
            meeting=meeting, municipality=partner, person=MemberFactory(organisation=partner)
        )
    assert refused.value.code == "not_member"
    board = make_meeting(bodies["db"])
    with pytest.raises(ServiceError) as refused:
        assembly.delegate_set(meeting=board, municipality=town, person=MemberFactory(organisation=town))
    assert refused.value.code == "not_alv"
    assert assembly.delegate_problem(meeting=meeting, municipality=town, person=MemberFactory()) is not None


def test_only_the_griffier_or_burgemeester_of_the_municipality_names_its_delegate():
    town = MunicipalityFactory()
    griffier = MemberFactory(organisation=town, function=Person.Function.GRIFFIER)
    mayor = MemberFactory(organisation=town, function=Person.Function.BURGEMEESTER)
    officer = MemberFactory(organisation=town)
    elsewhere = MemberFactory(function=Person.Function.GRIFFIER)

    assert assembly.may_name_delegate(user=griffier.user, municipality=town)
    assert assembly.may_name_delegate(user=mayor.user, municipality=town)
    assert not assembly.may_name_delegate(user=officer.user, municipality=town)
    assert not assembly.may_name_delegate(user=elsewhere.user, municipality=town)


def test_presence_counts_the_present_lists_the_absent_and_applies_the_quorum(django_assert_num_queries):
    meeting = alv_meeting()
    delegations(meeting, 5, present=3)
    rules = assembly.rules_get()
    rules.quorum, rules.quorum_value = AssemblyRules.Quorum.NUMBER, 4
    rules.save()

    with django_assert_num_queries(6):
        summary = assembly.presence_summary(meeting=meeting)

    assert summary.headline == "3 of 5 municipalities present"
    assert len(summary.absent) == 2 and all(
        delegate is not None for _town, delegate, _holder in summary.absent
    )
    assert not summary.quorum_met and "quorum: 4 member municipalities present" in summary.rules_text
    town = summary.absent[0][0]
    assembly.presence_check_in(meeting=meeting, municipality=town)
    assert assembly.presence_summary(meeting=meeting).quorum_met


def test_presence_summary_does_not_grow_with_the_municipalities(django_assert_num_queries):
    meeting = alv_meeting()
    delegations(meeting, 20, present=15)
    MunicipalityWeight.objects.create(
        rules=assembly.rules_get(), municipality=MunicipalityFactory(), weight=3
    )

    with django_assert_num_queries(6):
        summary = assembly.presence_summary(meeting=meeting)
    assert summary.headline == "15 of 21 municipalities present"


def _proxies_allowed(count=1):
    rules = assembly.rules_get()
    rules.proxies_allowed, rules.max_proxies_per_delegate = True, count
    rules.save()


def test_proxies_are_refused_unless_the_rules_allow_them_and_within_the_limit():
    from governance.models import Proxy

    meeting = alv_meeting()
    holder, first, second = (person.organisation for person in delegations(meeting, 3, present=1))
    with pytest.raises(ServiceError) as refused:
        assembly.proxy_grant(meeting=meeting, grantor=first, holder=holder)
    assert "do not allow proxies" in refused.value.message

    _proxies_allowed(count=1)
    assembly.proxy_grant(meeting=meeting, grantor=first, holder=holder)
    with pytest.raises(ServiceError) as refused:
        assembly.proxy_grant(meeting=meeting, grantor=second, holder=holder)
    assert "already carries the most proxies allowed (1)" in refused.value.message
    with pytest.raises(ServiceError):
        assembly.proxy_grant(meeting=meeting, grantor=holder, holder=second)  # no chains
    assert Proxy.objects.count() == 1

    summary = assembly.presence_summary(meeting=meeting)
    assert summary.represented == 1
    assert [holder_name for _town, _delegate, holder_name in summary.absent] == [holder.name, None] or [
        holder_name for _town, _delegate, holder_name in summary.absent
    ] == [None, holder.name]


def test_a_delegate_votes_for_the_municipality_that_gave_a_proxy():
    from governance.board import votes

    from .assembly_data import motion_on

    meeting = alv_meeting()
    holder, grantor = (person.organisation for person in delegations(meeting, 2, present=1))
    _proxies_allowed()
    assembly.proxy_grant(meeting=meeting, grantor=grantor, holder=holder)
    vote = votes.vote_open(motion=motion_on(meeting))

    votes.ballot_cast(vote=vote, municipality=holder, choice="for")
    votes.ballot_cast(vote=vote, municipality=grantor, choice="for")

    tally = votes.vote_tally(vote=vote)
    assert (tally.votes_for, tally.present) == (2, 2)
