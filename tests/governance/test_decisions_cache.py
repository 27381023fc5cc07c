"""The public list of decisions as PDF is rendered once per content, not on every anonymous GET."""

import pytest
from django.urls import reverse

from governance.board import services as board_services
from governance.board import views as board_views

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


def test_the_decisions_pdf_is_rendered_once_until_a_decision_changes(client, bodies, monkeypatch):
    meeting = make_meeting(bodies["ab"], days=-2, items=2)  # a public body: anyone may read it
    item = meeting.items.first()
    board_services.agenda_item_decide(item=item, decision="Het bestuur stemt in.")
    renders = []
    real = board_views.render_pdf

    def counting_render(**kwargs):
        renders.append(kwargs["template_name"])
        return real(**kwargs)

    monkeypatch.setattr(board_views, "render_pdf", counting_render)
    url = reverse("governance:decisions_pdf", kwargs={"pk": meeting.pk, "token": meeting.token})

    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert len(renders) == 1
    assert first.content == second.content

    board_services.agenda_item_decide(item=item, decision="Het bestuur stemt in, met een wijziging.")
    third = client.get(url)
    assert len(renders) == 2
    assert third.content != first.content
