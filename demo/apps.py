from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Only in the local and test settings: production does not install the demo data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    label = "demo"
    verbose_name = "Demo data"
