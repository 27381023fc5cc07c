"""Public site demo: a few news items, and a recording link on the most recent held events
(«Kijk hier het webinar terug»). The standard content pages come from the migration pages 0002.

Idempotent: news items are found by their Dutch title, a recording by its event and link.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from events.models import Event, EventMaterial
from pages.models import NewsItem

from .content import load_json


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    data = load_json("pages.json")
    news_new = recordings_new = 0
    with transaction.atomic():
        for spec in data["news"]:
            days_ago = spec.pop("days_ago")
            _item, created = NewsItem.objects.get_or_create(
                title_nl=spec["title_nl"],
                defaults={
                    **spec,
                    "published": True,
                    "published_on": today - datetime.timedelta(days=days_ago),
                },
            )
            news_new += created
        held = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lt=timezone.now()).order_by(
            "-starts_at"
        )[:2]
        for event in held:
            _material, created = EventMaterial.objects.get_or_create(event=event, url=data["recording_url"])
            recordings_new += created
    stdout.write(f"Public site: {news_new} news items new, {recordings_new} recordings new")
