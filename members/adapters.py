"""django-allauth glue: mail goes through the outbox; verified accounts get their Person."""

from allauth.account.adapter import DefaultAccountAdapter

from vzhg.mail.services import mail_queue_message

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Rendered here (with the request's language), sent by the worker after commit.
        message = self.render_mail(template_prefix, email, context)
        mail_queue_message(message=message, kind="account")

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
        return confirmed

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if getattr(user, "person", None) is None and user.emailaddress_set.filter(
            email__iexact=user.email, verified=True
        ).exists():
            services.person_link_account(user=user)
        return response
