"""The secretariat's allocation page: compute, review the distribution, apply; someone who may
only view sees the review but cannot run or apply."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse

from events.models import AllocationRun, SessionChoice
from members import services as member_services
from tests.factories import UserFactory
from vzhg.mail.models import OutgoingMail

from .test_allocation import closing_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_secretariat_computes_reviews_applies_and_sends(client, django_capture_on_commit_callbacks):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    event = closing_event(people=6)
    url = reverse("admin:events_event_allocation", args=[event.pk])
    change_page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert url in change_page  # the link among the secretariat pages

    assert "No allocation has been computed yet." in client.get(url).content.decode()
    assert client.post(url, {"run": ""}).status_code == 302
    run = AllocationRun.objects.get(event=event)
    page = client.get(url).content.decode()
    assert f"seed {run.seed}" in page and 'id="per-workshop"' in page and 'id="per-municipality"' in page
    assert SessionChoice.objects.filter(registration__event=event).count() == 0  # only reviewed

    assert client.post(url, {"apply": "", "run": run.pk}).status_code == 302
    assert SessionChoice.objects.filter(registration__event=event).count() == 12
    assert "Applied on" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the worker's task runs after commit
        assert client.post(url, {"send": "", "run": run.pk}).status_code == 302
        assert client.post(url, {"send": "", "run": run.pk}).status_code == 302  # a second click
    mails = OutgoingMail.objects.filter(kind="events.workshop.allocated")
    assert mails.count() == 6  # exactly one each
    assert "Results sent on" in client.get(url).content.decode()


def test_viewing_is_not_running(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(user)
    event = closing_event(people=2)
    url = reverse("admin:events_event_allocation", args=[event.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"run": ""}).status_code == 403
    assert not AllocationRun.objects.exists()


def test_the_page_follows_a_send_by_itself_only_while_it_runs(client, django_capture_on_commit_callbacks):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    event = closing_event(people=3)
    url = reverse("admin:events_event_allocation", args=[event.pk])
    client.post(url, {"run": ""})
    run = AllocationRun.objects.get(event=event)
    client.post(url, {"apply": "", "run": run.pk})
    script = 'src="/static/js/allocation_refresh.js"'
    assert script not in client.get(url).content.decode()

    client.post(url, {"send": "", "run": run.pk})  # recorded; the worker has not started (no commit)
    sending = client.get(url).content.decode()

    assert script in sending and "data-refresh-while-sending" in sending
    assert "<script>" not in sending and 'http-equiv="refresh"' not in sending
    from events.allocation_send import workshop_allocation_send_run

    workshop_allocation_send_run(send_id=run.send.pk)  # what the worker does
    done = client.get(url).content.decode()
    assert "Results sent on" in done and script not in done
