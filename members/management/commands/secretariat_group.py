"""manage.py secretariat_group: create the Secretariaat group or add the permissions it lacks.

Safe to run after every `migrate` (it only adds): a model or permission an app declares for the
secretariat (`<app>/permissions.py`) reaches the group the next time it runs."""

from django.core.management.base import BaseCommand

from members.services import secretariat_group_ensure


class Command(BaseCommand):
    help = "Create the Secretariaat group, or add the permissions it lacks (run after migrate)."

    def handle(self, *args, **options):
        group = secretariat_group_ensure()
        self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
