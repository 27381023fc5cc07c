"""File cleanup (the one use of signals the house style allows): a news item's image file goes
when the item is deleted (one by one or from the list) and when its image is replaced or cleared,
after the transaction commits (a rolled-back deletion keeps its file)."""

from __future__ import annotations

from django.db import transaction

from .models import NewsItem


def _file_delete_on_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


def news_item_deleted(sender, instance: NewsItem, **kwargs) -> None:
    if instance.image:
        _file_delete_on_commit(instance.image.storage, instance.image.name)


def news_item_saving(sender, instance: NewsItem, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    old = NewsItem.objects.filter(pk=instance.pk).values_list("image", flat=True).first()
    if old and old != instance.image.name:
        _file_delete_on_commit(instance.image.storage, old)


def connect() -> None:
    from django.db.models.signals import post_delete, pre_save

    post_delete.connect(news_item_deleted, sender=NewsItem, dispatch_uid="pages.news_item_deleted")
    pre_save.connect(news_item_saving, sender=NewsItem, dispatch_uid="pages.news_item_saving")
