import pytest
from django.conf import settings

from pages.models import ContentPage, NewsItem


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_page(**fields) -> ContentPage:
    values = {"slug": "werkwijze", "title_nl": "Werkwijze", "body_nl": "Zo werken wij.", "published": True}
    values.update(fields)
    return ContentPage.objects.create(**values)


def make_news(**fields) -> NewsItem:
    values = {
        "title_nl": "Nieuw bestuur gekozen",
        "body_nl": "De ALV koos een nieuw bestuur.",
        "published": True,
    }
    values.update(fields)
    return NewsItem.objects.create(**values)
