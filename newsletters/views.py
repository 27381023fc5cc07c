from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from members.selectors import person_for_user
from vzhg.errors import ServiceError
from vzhg.privacy import private_response
from vzhg.ratelimits import rate_limit_consume
from vzhg.uploads import image_response

from . import selectors
from .clicks import link_click_record
from .forms import SubscribeForm
from .models import Item, Newsletter, NewsletterList
from .rendering import edition_render
from .services import subscriptions as services


def archive(request):
    editions = selectors.newsletters_published()
    return render(request, "newsletters/archive.html", {"editions": editions, "form": SubscribeForm()})


def _list_readable_or_404(request, list_slug: str) -> NewsletterList:
    """A list whose archive the asker may read; a closed list's answers 404 to anyone else, so
    its existence does not leak."""
    newsletter_list = get_object_or_404(NewsletterList, slug=list_slug)
    if not selectors.newsletter_list_readable(newsletter_list=newsletter_list, user=request.user):
        raise Http404
    return newsletter_list


def list_archive(request, list_slug):
    """A list's own archive (the general newsletter's is `archive`)."""
    newsletter_list = _list_readable_or_404(request, list_slug)
    if newsletter_list.is_general:
        return redirect("newsletters:archive")
    editions = selectors.newsletters_published(newsletter_list=newsletter_list)
    response = render(
        request, "newsletters/archive.html", {"editions": editions, "newsletter_list": newsletter_list}
    )
    if not newsletter_list.public:
        response["Cache-Control"] = "private, no-store"
    return response


# An edition is public once it is being sent; before that (concept, scheduled) only whoever may
# view newsletters in the admin reads it, with its images. Staff status alone gives nothing.
# An edition of a closed list is for its subscribers and those staff only (newsletter_list_readable).
CONCEPT_PERMISSION = selectors.STAFF_READ_PERMISSION


def _may_read_concepts(user) -> bool:
    return user.is_active and user.has_perm(CONCEPT_PERMISSION)


def edition(request, slug):
    queryset = Newsletter.objects.filter(slug=slug).select_related("newsletter_list")
    if not _may_read_concepts(request.user):
        queryset = queryset.filter(status__in=Newsletter.PUBLISHED_STATUSES)
    newsletter = selectors.newsletter_full(queryset).first()
    if newsletter is None or not selectors.newsletter_list_readable(
        newsletter_list=newsletter.newsletter_list, user=request.user
    ):
        raise Http404
    response = render(
        request,
        "newsletters/edition.html",
        {"newsletter": newsletter, "edition": edition_render(newsletter=newsletter)},
    )
    if not newsletter.newsletter_list.public:
        response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def subscribe(request):
    return _subscribe(request, None)


@require_http_methods(["GET", "POST"])
def list_subscribe(request, list_slug):
    """A list's own subscribe page: only for a list open to subscribe (else 404)."""
    newsletter_list = get_object_or_404(NewsletterList, slug=list_slug, self_service=True)
    if newsletter_list.is_general:
        return redirect("newsletters:subscribe")
    return _subscribe(request, newsletter_list)


def _subscribe(request, newsletter_list: NewsletterList | None):
    form = SubscribeForm(request.POST or None)
    context = {"form": form, "newsletter_list": newsletter_list}
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not rate_limit_consume(request=request, action="newsletter_subscribe", key=email):
            # The same answer whether or not the address is on the list.
            form.add_error(
                None,
                _(
                    "We have just sent several confirmation links to this address or from your connection. "
                    "Look in your inbox (and spam folder) for the link, or try again in an hour."
                ),
            )
            return render(request, "newsletters/subscribe.html", context, status=429)
        try:
            subscription = services.subscription_request(email=email, newsletter_list=newsletter_list)
        except ServiceError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _(
                    "Almost done: we have sent a confirmation link to %(email)s. "
                    "The newsletter starts once you have clicked it."
                )
                % {"email": subscription.email},
            )
            return redirect(request.path)
    return render(request, "newsletters/subscribe.html", context, status=status)


@private_response
def confirm(request, token):
    try:
        subscription = services.subscription_confirm(token=token)
    except ServiceError as exc:
        return render(request, "newsletters/link_problem.html", {"problem": str(exc)}, status=400)
    return render(request, "newsletters/confirmed.html", {"subscription": subscription})


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to this URL without a CSRF token;
# the signed token in the URL is what protects it. A GET only shows the button.
@csrf_exempt
@private_response
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        subscription = services.subscription_for_unsubscribe_token(token=token)
    except ServiceError as exc:
        return render(request, "newsletters/link_problem.html", {"problem": str(exc)}, status=400)
    if request.method == "POST":
        subscription = services.subscription_unsubscribe(subscription=subscription)
        return render(request, "newsletters/unsubscribed.html", {"subscription": subscription})
    return render(request, "newsletters/unsubscribe.html", {"subscription": subscription})


@login_required
@require_http_methods(["GET", "POST"])
def profile_subscription(request):
    if request.method == "GET":
        return redirect("members:profile")
    person = person_for_user(user=request.user)
    if person is None:
        messages.error(
            request, _("Your account is not linked to a person yet. Confirm your e-mail address first.")
        )
        return redirect("members:profile")
    if "subscribe" not in request.POST:
        return _profile_lists(request, person)
    subscribe = request.POST.get("subscribe") == "1"
    services.subscription_profile_set(person=person, subscribe=subscribe, actor=request.user)
    if subscribe:
        messages.success(
            request, _("You will receive the newsletter at %(email)s.") % {"email": person.email}
        )
    else:
        messages.success(request, _("You no longer receive the newsletter."))
    return redirect("members:profile")


def _profile_lists(request, person):
    """The profile's form: a checkbox per list, one save (the old one-button form posts "subscribe")."""
    list_ids = {int(value) for value in request.POST.getlist("lists") if value.isdigit()}
    changed = services.subscription_profile_lists_set(person=person, list_ids=list_ids, actor=request.user)
    if changed["joined"]:
        messages.success(
            request,
            _("You now receive %(lists)s at %(email)s.")
            % {"lists": ", ".join(str(item) for item in changed["joined"]), "email": person.email},
        )
    if changed["left"]:
        messages.success(
            request,
            _("You no longer receive %(lists)s.")
            % {"lists": ", ".join(str(item) for item in changed["left"])},
        )
    if not changed["joined"] and not changed["left"]:
        messages.info(request, _("Your subscriptions have not changed."))
    return redirect("members:profile")


def image(request, item_id):
    item = get_object_or_404(Item.objects.select_related("section__newsletter__newsletter_list"), pk=item_id)
    newsletter = item.section.newsletter
    public = newsletter.is_published and newsletter.newsletter_list.public
    readable = newsletter.is_published and selectors.newsletter_list_readable(
        newsletter_list=newsletter.newsletter_list, user=request.user
    )
    if not item.image or not (readable or _may_read_concepts(request.user)):
        raise Http404
    return image_response(
        item.image, cache_control="public, max-age=86400" if public else "private, no-store"
    )


@require_GET
def click(request, token):
    """A link in a newsletter mail: counted for the edition (not the reader), then followed."""
    try:
        url = link_click_record(token=token)
    except ServiceError as exc:
        return render(request, "newsletters/link_problem.html", {"problem": str(exc)}, status=400)
    return HttpResponseRedirect(url)
