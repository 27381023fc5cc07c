"""Reads of the public site: published pages and news, and what the home page shows."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ContentPage, NewsItem


def content_page_published(*, slug: str) -> ContentPage | None:
    return ContentPage.objects.filter(slug=slug, published=True).first()


def content_pages_in_footer() -> QuerySet[ContentPage]:
    return ContentPage.objects.filter(published=True, in_footer=True)


def news_published() -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(published=True)


def news_item_published(*, pk: int) -> NewsItem | None:
    return news_published().filter(pk=pk).first()
