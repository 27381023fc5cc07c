"""django-allauth glue: mail goes through the outbox; verified accounts get their Person."""

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context

from vzhg.mail.bounces import bounced_address_owner_reset
from vzhg.mail.services import mail_queue_message
from vzhg.site import site_host

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Rendered here (with the request's language), sent by the worker after commit. The
        # context gets what allauth's own send_mail adds (its templates greet from
        # current_site.name and name the address as email).
        request = allauth_context.request
        host = request.get_host() if request is not None else site_host()
        ctx = {"request": request, "email": email, "current_site": SimpleNamespace(name="VZHG", domain=host)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        # Every account mail may carry a code or a link for the recipient only: never shown,
        # its content removed as soon as it has left.
        mail_queue_message(message=message, kind="members.account", sensitive=True)

    def is_open_for_signup(self, request):
        return True

    def save_user(self, request, user, form, commit=True):
        # Sign-up never grants rights: whatever the form says, a new account is a plain one.
        user = super().save_user(request, user, form, commit=False)
        user.is_staff = False
        user.is_superuser = False
        if commit:
            user.save()
        return user

    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if email_address.primary or email_address.user.email.lower() == email_address.email.lower():
            services.person_link_account(user=email_address.user)
        if confirmed:
            # The code mailed to this address arrived: if it had bounced, it works again (this
            # address only; recorded in its history with its owner as the actor).
            bounced_address_owner_reset(
                email=email_address.email, actor=email_address.user, reason="verified by its owner"
            )
        return confirmed

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if (
            getattr(user, "person", None) is None
            and user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists()
        ):
            services.person_link_account(user=user)
        return response
