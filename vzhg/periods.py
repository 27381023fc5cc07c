"""Rows that hold for a period (a mandate, a commission seat): which are active on a day.

A period runs from `start` up to and including `end`; an empty `end` means it has not ended.
"""

import datetime

from django.db import models
from django.db.models import Q


def active_on_q(day: datetime.date, prefix: str = "") -> Q:
    """The condition "active on `day`", for a related model too (`prefix="person__mandates__"`)."""
    return Q(**{f"{prefix}start__lte": day}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": day})
    )


class PeriodQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(active_on_q(day))
