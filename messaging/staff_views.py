"""The send page of a message: who it reaches and what it misses, a preview as a chosen
recipient, test mails, the send button; after sending, the progress per recipient."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vzhg.errors import ServiceError

from . import selectors, services
from .audiences import source_parse
from .forms import TestForm
from .models import Message


def _message(object_id) -> Message:
    message = (
        Message.objects.select_related("sent_by").filter(pk=int(object_id)).first()
        if str(object_id).isdigit()
        else None
    )
    if message is None:
        raise Http404(_("No such message."))
    return message


def send_view(request, object_id, model_admin):
    if not request.user.has_perm("messaging.view_message"):
        raise PermissionDenied
    message = _message(object_id)
    url = reverse("admin:messaging_message_send", args=[message.pk])
    is_draft = message.status == Message.Status.DRAFT
    can_send = is_draft and request.user.has_perm("messaging.send_message")
    if request.method == "POST":
        if not can_send:
            if not is_draft:
                messages.error(request, _("This message has already been sent."))
                return redirect(url)
            raise PermissionDenied
        if "send" in request.POST:  # the audience is counted in the database, not loaded here
            try:
                count = services.message_send(message_id=message.pk, actor=request.user)
            except ServiceError as refusal:
                messages.error(request, refusal.message)
                return redirect(url)
            confirmation = ngettext(
                "The message is being sent to %(count)d recipient.",
                "The message is being sent to %(count)d recipients.",
                count,
            ) % {"count": count}
            skipped = Message.objects.values_list("skipped_count", flat=True).get(pk=message.pk)
            if skipped:
                confirmation += " " + skipped_text(skipped)
            messages.success(request, confirmation)
            return redirect(url)
    recipients, undeliverable = selectors.message_reach(message=message) if is_draft else ([], [])
    test_form = TestForm(request.POST or None) if can_send else None
    if request.method == "POST":
        if "test" in request.POST and test_form is not None and test_form.is_valid():
            addresses = [user.email for user in test_form.cleaned_data["colleagues"]]
            if test_form.cleaned_data["to_me"]:
                addresses.append(request.user.email)
            as_person = _chosen(recipients, request.POST.get("as"))
            if as_person is None or not addresses:
                messages.error(
                    request, _("Choose a recipient to preview as and at least one address for the test.")
                )
                return redirect(url)
            sent = services.message_test_send(
                message=message, as_person=as_person, addresses=addresses, actor=request.user
            )
            messages.success(
                request,
                ngettext("%(count)d test mail is on its way.", "%(count)d test mails are on their way.", sent)
                % {"count": sent},
            )
            return redirect(f"{url}?as={as_person.pk}")
    preview_person = _chosen(recipients, request.GET.get("as"))
    preview = None
    if preview_person is not None:
        preview = services.message_render(
            message=message, person=preview_person, source=source_parse(message.source)
        )
    missing = selectors.municipalities_not_reached(people=recipients) if is_draft else []
    skipped = list(selectors.message_skipped(message=message)) if not is_draft else []
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": message,
        "message_obj": message,
        "title": _("Send: %(subject)s") % {"subject": message.subject},
        "has_view_permission": True,
        "recipients": recipients,
        "preview": preview,
        "preview_person": preview_person,
        "missing": missing,
        "undeliverable": undeliverable,
        "skipped_text": skipped_text(len(undeliverable or skipped)) if (undeliverable or skipped) else "",
        "test_form": test_form,
        "can_send": can_send,
        "attachments": list(message.attachments.all()),
        "progress": selectors.message_progress(message=message) if not is_draft else None,
        "failures": list(selectors.message_failures(message=message)) if not is_draft else [],
        "skipped": skipped,
        "preparing": message.status in (Message.Status.PENDING, Message.Status.SENDING),
    }
    return TemplateResponse(request, "admin/messaging/message/send.html", context)


def skipped_text(count: int) -> str:
    """ "3 adressen onbestelbaar, overgeslagen": before sending, in the confirmation, afterwards."""
    return ngettext(
        "%(count)d address undeliverable, skipped.", "%(count)d addresses undeliverable, skipped.", count
    ) % {"count": count}


def _chosen(recipients, person_id):
    """The recipient to preview as: the one asked for, else the first."""
    if not recipients:
        return None
    return next((person for person in recipients if str(person.pk) == str(person_id)), recipients[0])
