"""Readable addresses for the public commission pages: /bestuur/vng-commissies/<slug>/, the old
address by number redirecting permanently, and migration 0011 filling the slugs of existing
commissions."""

import pytest
from django.urls import reverse

from governance.models import VngCommission
from tests.factories import secretariat_user

pytestmark = pytest.mark.django_db


def test_a_commission_gets_a_readable_unique_slug_from_its_name():
    first = VngCommission.objects.create(name="Bestuur & Veiligheid")
    second = VngCommission.objects.create(name="Bestuur - Veiligheid")
    numbered = VngCommission.objects.create(name="2030")

    assert (first.slug, second.slug, numbered.slug) == (
        "bestuur-veiligheid",
        "bestuur-veiligheid-2",
        "commissie-2030",  # an address of digits only would be taken for the old one by number
    )
    assert first.get_absolute_url() == "/bestuur/vng-commissies/bestuur-veiligheid/"


def test_a_rename_keeps_the_address():
    commission = VngCommission.objects.create(name="Informatiesamenleving")
    commission.name = "Informatiesamenleving en Digitalisering"
    commission.save()

    commission.refresh_from_db()
    assert commission.slug == "informatiesamenleving"


def test_the_page_answers_at_its_slug_and_the_old_address_moved_permanently(client):
    commission = VngCommission.objects.create(name="Ruimte en Wonen")

    assert client.get("/bestuur/vng-commissies/ruimte-en-wonen/").status_code == 200
    old = client.get(f"/bestuur/vng-commissies/{commission.pk}/")
    assert old.status_code == 301
    assert old["Location"] == "/bestuur/vng-commissies/ruimte-en-wonen/"
    assert (
        reverse("governance:commission_by_pk", args=[commission.pk])
        == f"/bestuur/vng-commissies/{commission.pk}/"
    )


def test_unknown_addresses_are_404(client):
    assert client.get("/bestuur/vng-commissies/bestaat-niet/").status_code == 404
    assert client.get("/bestuur/vng-commissies/999/").status_code == 404


def test_the_list_links_the_slug_addresses(client):
    VngCommission.objects.create(name="Ruimte en Wonen")

    assert (
        'href="/bestuur/vng-commissies/ruimte-en-wonen/"'
        in client.get("/bestuur/vng-commissies/").content.decode()
    )


def test_the_admin_fills_an_empty_slug_and_keeps_a_chosen_one(client):
    client.force_login(secretariat_user())
    add = reverse("admin:governance_vngcommission_add")
    management = {
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
    }

    client.post(add, {"name": "Werk en Inkomen", "slug": "", "kind": "vaste_commissie", **management})
    client.post(
        add, {"name": "Zorg, Jeugd en Onderwijs", "slug": "zjo", "kind": "vaste_commissie", **management}
    )

    assert set(VngCommission.objects.values_list("name", "slug")) == {
        ("Werk en Inkomen", "werk-en-inkomen"),
        ("Zorg, Jeugd en Onderwijs", "zjo"),
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_existing_commission_a_unique_slug():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("governance", "0010_commission_recommendations")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("governance", "VngCommission")
    for name in ["Bestuur & Veiligheid", "Bestuur - Veiligheid", "2030", "Informatiesamenleving"]:
        old.objects.create(name=name)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert dict(VngCommission.objects.values_list("name", "slug")) == {
        "Bestuur & Veiligheid": "bestuur-veiligheid",
        "Bestuur - Veiligheid": "bestuur-veiligheid-2",
        "2030": "commissie-2030",
        "Informatiesamenleving": "informatiesamenleving",
    }
