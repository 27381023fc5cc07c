"""The public network pages, the member list (members and the secretariat only) and joining or
leaving (from the network page or the profile: `next=profile` returns there)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.selectors import person_for_user
from vzhg.errors import ServiceError
from vzhg.markdown import markdown_to_html

from . import selectors, services


def _network(slug: str):
    network = selectors.network_by_slug(slug=slug)
    if network is None:
        raise Http404
    return network


def _person(request):
    return person_for_user(user=request.user) if request.user.is_authenticated else None


def network_list(request):
    return render(request, "networks/list.html", {"networks": selectors.networks_public()})


def network_detail(request, slug):
    network = _network(slug)
    person = _person(request)
    membership = selectors.membership_active(network=network, person=person)
    may_see_members = selectors.member_list_visible(user=request.user, membership=membership)
    counts = None
    if request.user.has_perm(selectors.MEMBER_LIST_PERMISSION):
        counts = selectors.networks_municipality_counts(network=network)[0]
    context = {
        "network": network,
        "person": person,
        "membership": membership,
        "chosen": {tag.pk for tag in membership.expertise_tags.all()} if membership else set(),
        "may_see_members": may_see_members,
        "counts": counts,
        "purpose_html": mark_safe(markdown_to_html(network.purpose)),  # sanitised: nh3  # noqa: S308
        "meetings": selectors.network_meetings(network=network, now=timezone.now()),
    }
    return render(request, "networks/detail.html", context)


@login_required
def network_members(request, slug):
    network = _network(slug)
    membership = selectors.membership_active(network=network, person=_person(request))
    if not selectors.member_list_visible(user=request.user, membership=membership):
        raise Http404  # a non-member does not learn who is in it
    context = {"network": network, "memberships": selectors.network_members(network=network)}
    return render(request, "networks/members.html", context)


def _back(request, network):
    return redirect(
        "members:profile" if request.POST.get("next") == "profile" else network.get_absolute_url()
    )


@login_required
@require_POST
def network_join(request, slug):
    """Join with the chosen tags; a member changes their tags with the same form."""
    network = _network(slug)
    person = _person(request)
    if person is None:
        messages.error(
            request, _("Your account is not linked to a person yet. Confirm your e-mail address first.")
        )
        return _back(request, network)
    tag_ids = [value for value in request.POST.getlist("tags") if value.isdigit()]
    membership = selectors.membership_active(network=network, person=person)
    try:
        if membership is None:
            services.membership_join(network=network, person=person, actor=request.user, tag_ids=tag_ids)
            messages.success(request, _("You joined %(network)s.") % {"network": network.name})
        else:
            services.membership_tags_set(membership=membership, actor=request.user, tag_ids=tag_ids)
            messages.success(request, _("Your expertise tags were saved."))
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(request, network)


@login_required
@require_POST
def network_leave(request, slug):
    network = _network(slug)
    person = _person(request)
    if person is not None and services.membership_leave(network=network, person=person, actor=request.user):
        messages.success(request, _("You left %(network)s.") % {"network": network.name})
    return _back(request, network)
