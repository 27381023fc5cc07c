"""The secretariat's admin for events, one module per model it edits:

- event.py: events with their programme and workshop rounds (and the rounds' workshops), the
  publish / cancel / duplicate actions, and the URLs of the staff pages (events/staff_views.py);
- registration.py: registrations (read, filter, export, remarks and attendance);
- invitation.py: invitations (read-only);
- filters.py: the list filters they share.
"""

from . import event, invitation, registration  # noqa: F401 - registers the admins
