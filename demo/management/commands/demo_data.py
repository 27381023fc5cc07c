"""manage.py demo_data: load the demo data of every app, in the order of the layers.

Members first (regions, municipalities, people, log-ins), then the apps built on them: events,
newsletters, the board (bodies, mandates, meetings) and last the workplans and annual report,
which link to the events, newsletters and meetings the others made. Each module is idempotent:
a second run creates nothing and leaves edits made in the app alone.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import (
    commissions,
    contacts,
    events,
    governance,
    members,
    networks,
    newsletter_lists,
    newsletters,
    pages,
    reports,
)


class Command(BaseCommand):
    help = (
        "Load the demo data (regions, the 50 municipalities of Zuid-Holland, partners, fictional "
        "people, three demo log-ins, events, newsletters, the board and its meetings, workplans and "
        "last year's annual report). Safe to run again: existing rows are left alone."
    )

    def handle(self, *args, **options):
        # The demo log-ins have a published password and one of them is staff: never in production
        # (where the demo app is not even installed).
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError(
                "demo_data runs only with the local or test settings (vzhg.settings.local or "
                f"vzhg.settings.test), not with {settings.SETTINGS_MODULE}: its log-ins have a "
                "published password."
            )
        members.demo_load(stdout=self.stdout)
        events.demo_load(stdout=self.stdout)
        newsletters.demo_load(stdout=self.stdout)
        newsletters.last_year_load(stdout=self.stdout)
        newsletter_lists.demo_load(stdout=self.stdout)
        networks.demo_load(stdout=self.stdout)
        governance.demo_load(stdout=self.stdout)
        commissions.demo_load(stdout=self.stdout)
        contacts.demo_load(stdout=self.stdout)
        reports.demo_load(stdout=self.stdout)
        contacts.demo_link(stdout=self.stdout)
        pages.demo_load(stdout=self.stdout)

        # The log-ins last, where a person starting the app looks for them.
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo log-ins (password for all three: {members.DEMO_PASSWORD})")
        )
        width = max(len(description) for _, _, description in members.DEMO_ACCOUNTS)
        for email, _, description in members.DEMO_ACCOUNTS:
            self.stdout.write(f"  {description:<{width}}  {email}")
        if settings.EMAIL_BACKEND == "vzhg.mail.backends.LocalMailBackend":
            where = f"the console that runs the app and in {settings.EMAIL_FILE_PATH}"
        else:
            where = f"the mail sent through {settings.EMAIL_BACKEND}"
        self.stdout.write(
            "  Log-in by code works too: enter the address and leave the password empty; the mail\n"
            f"  with the code appears in {where}."
        )
