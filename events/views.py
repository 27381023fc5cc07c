import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.selectors import person_for_user
from vzhg.errors import ServiceError
from vzhg.privacy import private_response
from vzhg.site import absolute_url

from . import checkin, definitions, extensions, ics, selectors, services
from .forms import AgendaFilterForm, registration_form
from .material_models import CONTENT_TYPES, material_kind
from .models import Event, Registration
from .questions import answers_initial, event_questions
from .tokens import (
    cancel_token_registration,
    checkin_token_pk,
    checkin_token_valid,
    feed_token_make,
    feed_token_user_id,
)

logger = logging.getLogger(__name__)


def _database_hiccup(form, error: Exception) -> None:
    """The database was briefly out of reach (a restart) or gave up on the transaction: the
    service rolled everything back.
    Say so plainly on the form, which keeps what the member entered."""
    logger.warning("Registration form: database unavailable (%s)", error)
    form.add_error(
        None,
        _(
            "Nothing has been stored: the site could not reach its database for a moment. "
            "Your choices are still filled in; please submit the form again."
        ),
    )


@require_GET
def agenda(request):
    form = AgendaFilterForm(request.GET or None, themes=selectors.agenda_themes())
    filters = form.filters()
    events = list(selectors.upcoming_events(**filters))
    return render(
        request, "events/agenda.html", {"form": form, "events": events, "filtered": any(filters.values())}
    )


@require_GET
def archive(request):
    events = list(selectors.past_events_with_materials()[:200])
    for event in events:
        event.visible_materials = selectors.materials_visible(
            materials=event.materials.all(), user=request.user
        )
    return render(request, "events/archive.html", {"events": events})


@require_GET
def material(request, slug, pk):
    """A presentation of an event, as a download; one that is only for logged-in people sends
    anonymous visitors to the login first."""
    found = selectors.material_for_download(slug=slug, pk=pk)
    if found is None:
        raise Http404
    if found.login_required and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    handle = found.file.open("rb")
    kind = material_kind(handle)
    name = f"{slugify(found.title or found.event.title) or 'materiaal'}.{kind}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[kind])
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _person(request):
    return person_for_user(user=request.user) if request.user.is_authenticated else None


@require_GET
def detail(request, slug):
    event = selectors.event_for_page(slug=slug)
    if event is None:
        raise Http404
    person = _person(request)
    registration = selectors.registration_of(event=event, person=person)
    active = registration if registration and registration.status != Registration.Status.CANCELLED else None
    if active is not None and event.workshop_ranks:
        selectors.workshop_rounds_attach([active])
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "state": event.registration_state(),
            "registration": active,
            "choices": list(active.choices.all()) if active else [],
            "show_online_url": bool(
                active and active.status == Registration.Status.CONFIRMED and event.online_url
            ),
            "rounds": event.rounds.all(),
            "programme": event.programme.all(),
            "sections": extensions.event_page_sections(event),
            # A meeting only for its network's members, seen by someone who is not one (yet).
            "network_refused": event.network_only
            and event.network_id is not None
            and not (person is not None and services.person_in_network(event=event, person=person)),
            "materials": selectors.materials_visible(materials=event.materials.all(), user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request, slug):
    if request.method == "POST":
        try:
            return _register(request, slug, fast=True)
        except definitions.Stale:
            # The event changed since this process kept it, the person has a registration of it
            # already, or the answer is not a registration (a refusal, a form error): again, the
            # full way, all from the database (events/definitions.py).
            pass
    return _register(request, slug, fast=False)


def _register(request, slug, *, fast: bool):
    """The registration page. `fast` (a POST's first attempt): the event, its rounds and questions
    from the rows this process keeps, the person's registration not read; it answers with a
    registration or raises definitions.Stale. A POST reads no places (the service counts under the
    event lock); shown again, the page gets them first (registration_counts_attach below)."""
    posted = request.method == "POST"
    definition = definitions.event_definition(slug=slug, kept=fast) if posted else None
    if posted:
        event = definition.event if definition is not None else None
    else:
        event = selectors.event_for_registration(slug=slug)
    if event is None:
        raise Http404
    person = person_for_user(user=request.user)
    if person is None:
        messages.error(
            request, _("Your account is not linked to a person yet. Confirm your e-mail address first.")
        )
        return redirect("members:profile")
    # Fast: the person's registration is not read; the service writes the new one only if there
    # is none, else refuses (already registered), which is answered the full way below.
    existing = None if fast else selectors.registration_of(event=event, person=person)
    if existing is not None and existing.status != Registration.Status.CANCELLED:
        messages.info(request, _("You are already registered for this event."))
        return redirect(event)
    window = event.registration_window_state()  # not open, closed, cancelled; None: open
    blocked = network_refused = ""
    if window is not None:
        blocked = {
            Event.RegistrationState.NOT_OPEN: _("Registration is not open yet."),
            Event.RegistrationState.CLOSED: _("Registration for this event is closed."),
            Event.RegistrationState.CANCELLED: _("This event has been cancelled."),
        }[window]
    elif not services.person_may_attend(event=event, person=person):
        blocked = _("This event is for members only: people of member municipalities and the board.")
    elif not services.person_in_network(event=event, person=person):
        blocked = network_refused = services.network_only_text(event)
    rounds = list(event.rounds.all())
    data = request.POST if posted else None
    questions = definition.questions if definition is not None else event_questions(event=event)
    form = registration_form(data, event=event, rounds=rounds, questions=questions)
    parts = [] if blocked else extensions.registration_parts(event=event, person=person, data=data)
    status = 200
    valid = form.is_valid() & all([part.form.is_valid() for part in parts])  # every form's errors
    if posted and not blocked and valid:
        try:
            with transaction.atomic():  # a refused part undoes the registration too
                registration = services.registration_create(
                    event=event,
                    person=person,
                    session_ids=form.session_ids(),
                    remarks=form.cleaned_data["remarks"],
                    ranking=form.ranking(),
                    loaded=True,  # event, person, existing and rounds as read above
                    existing=existing,
                    rounds=rounds,
                    answers=form.answers(),  # stored before the mail that lists them
                    questions=questions,
                    fast=fast,
                )
                notes = [note for part in parts if (note := part.save(actor=request.user))]
        except ServiceError as error:
            form.add_error(None, error.message)
        except (OperationalError, InterfaceError) as error:
            _database_hiccup(form, error)
            status = 503
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(
                    request,
                    _(
                        "You are registered. "
                        "A confirmation with a calendar invitation is on its way by e-mail."
                    ),
                )
            else:
                reason = services.waitlist_reason_text(
                    registration.waitlist_reason, registration.waitlist_session
                )
                messages.warning(
                    request,
                    _(
                        "%(reason)s You are on the waiting list; "
                        "we will e-mail you as soon as a place becomes free."
                    )
                    % {"reason": reason},
                )
            for note in notes:
                messages.success(request, note)
            return redirect(event)
    if fast and status != 503:
        raise definitions.Stale  # what the page shows or refuses is read the full way
    state = window
    if posted:
        try:
            selectors.registration_counts_attach(event=event, rounds=rounds)
        except (OperationalError, InterfaceError) as error:
            # Still out of reach: the page shows no free places (in memory only, never saved).
            logger.warning("Registration form: places not counted (%s)", error)
            for round_ in rounds:
                for session in round_.sessions.all():
                    session.capacity = None
            state = state or Event.RegistrationState.OPEN
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "form": form,
            "parts": parts,
            "state": state or event.registration_state(),
            "blocked": blocked,
            "network_refused": bool(network_refused),
            "person": person,
        },
        status=status,
    )


@login_required
@require_GET
def mine(request):
    person = person_for_user(user=request.user)
    now = timezone.now()
    registrations = list(selectors.registrations_of_person(person=person)) if person else []
    selectors.workshop_rounds_attach(registrations)
    upcoming = [
        r for r in registrations if r.event.ends_at >= now and r.status != Registration.Status.CANCELLED
    ]
    past = [r for r in registrations if r.event.ends_at < now or r.status == Registration.Status.CANCELLED]
    past.sort(key=lambda r: r.event.starts_at, reverse=True)
    for registration in upcoming:
        registration.can_change = registration.event.registration_window_state(now) is None
        if registration.status == Registration.Status.CONFIRMED and registration.event.has_door:
            # The code to show at the door: a QR code of the check-in link (events/checkin.py).
            registration.checkin_url = checkin.checkin_url(registration=registration)
            registration.checkin_qr = mark_safe(  # noqa: S308 - segno's own SVG of our own URL
                checkin.checkin_qr_svg(
                    url=registration.checkin_url,
                    title=_("Check-in code for %(title)s") % {"title": registration.event.title},
                )
            )
    token = feed_token_make(user=request.user, key=selectors.feed_key_of(user_id=request.user.pk))
    feed_url = absolute_url(reverse("events:feed", kwargs={"token": token}))
    return render(
        request,
        "events/mine.html",
        {"upcoming": upcoming, "past": past, "feed_url": feed_url, "person": person},
    )


@login_required
@require_GET
def checkin_code(request, token):
    """The link in a check-in QR code. Door staff (the check-in permission) land on the event's
    check-in page with the code filled in, to confirm with one press (a GET changes nothing);
    anyone else — the member opening their own link — on "Mijn aanmeldingen", where the code is."""
    if request.user.has_perm("events.checkin_registration"):
        token = checkin.checkin_code_token(token)
        pk = checkin_token_pk(token)
        registration = Registration.objects.filter(pk=pk).first() if pk is not None else None
        if registration is None or not checkin_token_valid(token=token, registration=registration):
            raise Http404
        target = reverse("admin:events_event_checkin", args=[registration.event_id])
        return redirect(f"{target}?{urlencode({'code': token})}#scan")
    return redirect("events:mine")


def _own_registration(request, pk):
    registration = selectors.registration_for_user(pk=pk, user=request.user)
    if registration is None:
        raise Http404
    return registration


@login_required
@require_http_methods(["GET", "POST"])
def registration_change(request, pk):
    registration = _own_registration(request, pk)
    event = registration.event
    if registration.status == Registration.Status.CANCELLED:
        messages.error(request, _("This registration has been cancelled."))
        return redirect("events:mine")
    if event.registration_window_state() is not None:
        messages.error(
            request,
            _(
                "Registration is closed; your choice can no longer be changed. "
                "Mail the secretariat if you need to."
            ),
        )
        return redirect("events:mine")
    rounds = selectors.event_rounds(event=event)
    if event.workshop_ranks:
        initial = {
            f"round_{choice.round.number}_rank_{choice.rank}": choice.session_id
            for choice in registration.ranked_choices.select_related("round")
        }
    else:
        initial = {
            f"round_{choice.round.number}": choice.session_id
            for choice in registration.choices.select_related("round")
        }
    initial["remarks"] = registration.remarks
    initial.update(answers_initial(registration=registration))
    data = request.POST if request.method == "POST" else None
    questions = event_questions(event=event)
    form = registration_form(data, event=event, rounds=rounds, initial=initial, questions=questions)
    parts = extensions.registration_parts(event=event, person=registration.person, data=data)
    status = 200
    valid = form.is_valid() & all([part.form.is_valid() for part in parts])  # every form's errors
    if request.method == "POST" and valid:
        try:
            with transaction.atomic():  # a refused part undoes the change too
                services.registration_change(
                    registration=registration,
                    session_ids=form.session_ids(),
                    remarks=form.cleaned_data["remarks"],
                    ranking=form.ranking(),
                    answers=form.answers(),  # stored before the "changed" mail, which lists them
                    questions=questions,
                )
                notes = [note for part in parts if (note := part.save(actor=request.user))]
        except ServiceError as error:
            form.add_error(None, error.message)
        except (OperationalError, InterfaceError) as error:
            _database_hiccup(form, error)
            status = 503
        else:
            messages.success(
                request,
                _("Your registration has been changed. The updated confirmation is on its way by e-mail."),
            )
            for note in notes:
                messages.success(request, note)
            return redirect("events:mine")
    return render(
        request,
        "events/change.html",
        {"event": event, "registration": registration, "form": form, "parts": parts},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk):
    registration = _own_registration(request, pk)
    return _cancel_page(
        request, registration, action=reverse("events:registration_cancel", kwargs={"pk": pk})
    )


def _cancel_page(request, registration, *, action):
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration)
        except ServiceError as error:
            return render(
                request,
                "events/cancel.html",
                {"registration": registration, "error": error.message, "action": action},
                status=409,
            )
        return render(request, "events/cancel_done.html", {"event": registration.event})
    error = ""
    if registration.status == Registration.Status.CANCELLED:
        error = _("This registration was already cancelled.")
    return render(
        request, "events/cancel.html", {"registration": registration, "error": error, "action": action}
    )


@private_response
@require_http_methods(["GET", "POST"])
def cancel_by_token(request, token):
    """The cancel link from the mail: works without logging in. GET asks, POST cancels."""

    try:
        registration = cancel_token_registration(
            token=token, registration_for=lambda pk: selectors.registration_by_pk(pk=pk)
        )
    except ServiceError as invalid:
        return render(request, "events/cancel_invalid.html", {"message": invalid.message}, status=400)
    return _cancel_page(request, registration, action=reverse("events:cancel_token", kwargs={"token": token}))


@login_required
@require_http_methods(["GET", "POST"])
def feed_renew(request):
    """ "New address" (POST only; a GET goes back to the page): the old address stops working."""
    if request.method != "POST":
        return redirect("events:mine")
    services.feed_key_renew(user=request.user)
    messages.success(
        request,
        _(
            "Your calendar feed has a new address. Replace the old one in your calendar program: "
            "it no longer works."
        ),
    )
    return redirect(reverse("events:mine") + "#feed-heading")


@require_GET
def feed(request, token):
    user_id = feed_token_user_id(token=token, key_for=lambda pk: selectors.feed_key_of(user_id=pk))
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise Http404
    body = ics.feed_ics(registrations=selectors.feed_registrations(user=user), name="VZHG")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="vzhg-agenda.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
