"""A service's refusal inside an admin save: say it, and do not also say "changed successfully".

Forms check what they can before saving; a ServiceError in `save_model` is what only the service
can decide (e.g. a race with another user). The admin then shows the refusal as an error and
drops its own success message for that request.
"""

from django.contrib import messages

from vzhg.errors import ServiceError


class ServiceRefusalAdminMixin:
    def service_refused(self, request, error: ServiceError) -> None:
        request._vzhg_service_refused = True
        messages.error(request, str(error.message))

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_vzhg_service_refused", False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)  # type: ignore[misc]
