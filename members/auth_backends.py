"""The log-in backends: Django's and allauth's, reading the logged-in user of each request with
fixed SQL (vzhg/fixed_sql.py) instead of compiling the same query anew every time (issue 15: the
user is read on every logged-in request). Authentication itself is theirs, unchanged."""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends

from vzhg.fixed_sql import fixed_read

from .models import User


def _user(backend, user_id):
    user = fixed_read(User, where=("pk",), limit=1).one(user_id)
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(django_backends.ModelBackend):
    def get_user(self, user_id):
        return _user(self, user_id)


class AuthenticationBackend(allauth_backends.AuthenticationBackend):
    def get_user(self, user_id):
        return _user(self, user_id)
