"""The signals list per theme and status, and a signal's page with forward and close.

Never public: an anonymous visitor is sent to the log-in page; a logged-in person who may not
read signals (contacts.view_signal, or today's AB/DB membership: see access) gets 403 for the
list and 404 for a signal (its existence does not leak). Forwarding and closing need
contacts.change_signal. Contact moments are kept in the admin (contacts.view_contactmoment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vzhg.errors import ServiceError

from . import access, selectors, services
from .forms import SignalCloseForm, SignalFilterForm, SignalForwardForm
from .models import Signal


@require_GET
def signal_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_read_signals(request.user):
        raise PermissionDenied
    form = SignalFilterForm(request.GET or None, themes=selectors.signal_themes())
    filters = form.cleaned_data if form.is_valid() else {}
    signals = list(
        selectors.signals_list(
            theme=filters.get("theme"), status=filters.get("status", ""), year=filters.get("year")
        )
    )
    return render(
        request,
        "contacts/signal_list.html",
        {"form": form, "signals": signals, "may_handle": access.may_handle_signals(request.user)},
    )


@require_http_methods(["GET", "POST"])
def signal_detail(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_read_signals(request.user):
        raise Http404
    try:
        signal = selectors.signal_detail(pk=pk)
    except Signal.DoesNotExist:
        raise Http404 from None
    may_handle = access.may_handle_signals(request.user)
    forward_form = SignalForwardForm(prefix="forward")
    close_form = SignalCloseForm(prefix="close")
    if request.method == "POST":
        if not may_handle:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "forward":
                forward_form = SignalForwardForm(request.POST, prefix="forward")
                if forward_form.is_valid():
                    data = forward_form.cleaned_data
                    services.signal_forward(
                        signal=signal,
                        forwarded_to=data["forwarded_to"],
                        seat=data["seat"],
                        note=data["note"],
                        on=data["on"],
                        actor=request.user,
                    )
                    messages.success(request, _("The signal is recorded as forwarded."))
                    return redirect(signal.get_absolute_url())
            elif action == "close":
                close_form = SignalCloseForm(request.POST, prefix="close")
                if close_form.is_valid():
                    data = close_form.cleaned_data
                    services.signal_close(
                        signal=signal, outcome=data["outcome"], on=data["on"], actor=request.user
                    )
                    messages.success(request, _("The signal is closed."))
                    return redirect(signal.get_absolute_url())
            else:
                messages.error(request, _("Choose forward or close."))
        except ServiceError as error:
            messages.error(request, error.message)
    return render(
        request,
        "contacts/signal_detail.html",
        {
            "signal": signal,
            "may_handle": may_handle,
            "forward_form": forward_form,
            "close_form": close_form,
            "history": signal.history.select_related("history_user").order_by("-history_date")[:20]
            if may_handle
            else [],
        },
    )
