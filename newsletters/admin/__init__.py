"""The newsletter's admin: editions (compose, preview, test, schedule, send, follow the deliveries)
in editions.py; the subscriber list in subscriptions.py."""

from . import editions, subscriptions  # noqa: F401 - importing registers the model admins
