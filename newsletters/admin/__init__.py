"""The newsletter's admin: editions (compose, preview, test, schedule, send, follow the deliveries)
in editions.py; the subscriber list in subscriptions.py; the lists in lists.py."""

from . import editions, lists, subscriptions  # noqa: F401 - importing registers the model admins
