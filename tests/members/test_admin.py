"""The secretariat's admin for accounts, regions, organisations and people."""

import re

import pytest
from django.urls import reverse

from members.models import Organisation, Person, Region, User

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def changelist(model_name: str) -> str:
    return reverse(f"admin:members_{model_name}_changelist")


def shown(response) -> list:
    return list(response.context["cl"].result_list)


# --- pages load -------------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", ["user", "region", "organisation", "person"])
def test_changelist_and_add_pages_load(staff_client, people, model_name):
    assert staff_client.get(changelist(model_name)).status_code == 200
    assert staff_client.get(reverse(f"admin:members_{model_name}_add")).status_code == 200


def test_change_pages_load(staff_client, people, regions, organisations):
    objects = {
        "user": people["jack"].user,
        "region": regions["holland_rijnland"],
        "organisation": organisations["leiden"],
        "person": people["jack"],
    }
    for model_name, obj in objects.items():
        response = staff_client.get(reverse(f"admin:members_{model_name}_change", args=[obj.pk]))
        assert response.status_code == 200, model_name
    for model_name in ("organisation", "person"):
        obj = objects[model_name]
        response = staff_client.get(reverse(f"admin:members_{model_name}_history", args=[obj.pk]))
        assert response.status_code == 200, model_name


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/members/person/",
        "/admin/members/person/import/",
        "/admin/members/person/export/",
        "/admin/members/organisation/",
        "/admin/members/user/",
    ],
)
def test_non_staff_is_sent_to_the_admin_login(client, people, url):
    client.force_login(User.objects.create_user(email="lid@leiden.nl"))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_the_admin_login(client, db):
    response = client.get(changelist("person"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- accounts ---------------------------------------------------------------------------------


def test_user_is_added_by_email_without_username_or_password(admin_client):
    response = admin_client.post(
        reverse("admin:members_user_add"),
        {"email": " Nieuw.Lid@Leiden.NL ", "usable_password": "false", "password1": "", "password2": ""},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nieuw.lid@leiden.nl")
    assert not user.has_usable_password()
    assert not user.is_staff


def test_user_with_an_existing_address_in_other_case_is_refused(admin_client, people):
    response = admin_client.post(
        reverse("admin:members_user_add"),
        {"email": "JACK.DEVRIES@leiden.nl", "usable_password": "false", "password1": "", "password2": ""},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="jack.devries@leiden.nl").count() == 1


def test_staff_status_and_groups_are_edited_on_the_user(admin_client, people):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Secretariaat")
    user = people["jack"].user
    response = admin_client.post(
        reverse("admin:members_user_change", args=[user.pk]),
        {
            "email": user.email,
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.all()) == [group]


def test_user_change_page_links_to_the_person(staff_client, people):
    response = staff_client.get(reverse("admin:members_user_change", args=[people["jack"].user.pk]))
    assert reverse("admin:members_person_change", args=[people["jack"].pk]) in response.content.decode()


# --- organisations ----------------------------------------------------------------------------


def test_organisation_changelist_counts_people(staff_client, people):
    response = staff_client.get(changelist("organisation"))
    counts = {organisation.name: organisation.people_count for organisation in shown(response)}
    assert counts == {"Leiden": 1, "Provincie Zuid-Holland": 1, "Rotterdam": 1}
    assert "GM0546" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "GM0599"}, ["Rotterdam"]),
        ({"q": "leid"}, ["Leiden"]),
        ({"kind__exact": "province"}, ["Provincie Zuid-Holland"]),
        ({"in_mrdh__exact": "1"}, ["Rotterdam"]),
    ],
)
def test_organisation_search_and_filters(staff_client, people, params, expected):
    response = staff_client.get(changelist("organisation"), params)
    assert [organisation.name for organisation in shown(response)] == expected


def test_organisation_region_filter(staff_client, people, regions):
    response = staff_client.get(changelist("organisation"), {"region__id__exact": regions["rijnmond"].pk})
    assert [organisation.name for organisation in shown(response)] == ["Rotterdam"]


def test_organisation_page_shows_its_people_and_domains(staff_client, people, organisations):
    leiden = organisations["leiden"]
    Person.objects.create(
        first_name="Eva", last_name="Jansen", email="e.jansen@leiden.nl", organisation=leiden
    )
    response = staff_client.get(reverse("admin:members_organisation_change", args=[leiden.pk]))
    html = response.content.decode()
    assert "leiden.nl" in html
    assert "Vries, Jack de" in html
    assert reverse("admin:members_person_change", args=[people["jack"].pk]) in html
    # Sorted as in a Dutch index: Jansen before Vries.
    assert html.index("Jansen, Eva") < html.index("Vries, Jack de")
    # People are listed here, not edited here: no form fields for them.
    assert 'name="people-0-email"' not in html


def test_organisation_page_saves_with_people_listed(staff_client, people, organisations):
    leiden = organisations["leiden"]
    domain = leiden.email_domains.get()
    jack = people["jack"]
    response = staff_client.post(
        reverse("admin:members_organisation_change", args=[leiden.pk]),
        {
            "name": "Leiden",
            "kind": "municipality",
            "website": "",
            "cbs_code": "GM0546",
            "region": leiden.region_id,
            "inhabitants": "128000",
            "member_since": "1990-01-01",
            "member_until": "",
            "email_domains-TOTAL_FORMS": "2",
            "email_domains-INITIAL_FORMS": "1",
            "email_domains-0-id": domain.pk,
            "email_domains-0-organisation": leiden.pk,
            "email_domains-0-domain": "leiden.nl",
            "email_domains-1-organisation": leiden.pk,
            "email_domains-1-domain": "gemeenteleiden.nl",
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "1",
            "people-0-id": jack.pk,
            "people-0-organisation": leiden.pk,
        },
    )
    assert response.status_code == 302, response.context["errors"]
    leiden.refresh_from_db()
    assert leiden.inhabitants == 128000
    assert sorted(leiden.email_domains.values_list("domain", flat=True)) == ["gemeenteleiden.nl", "leiden.nl"]
    jack.refresh_from_db()
    assert jack.organisation == leiden
    assert leiden.history.latest().history_user.email == "secretariaat@vzhg.nl"


@pytest.mark.parametrize("size", [5, 50])
def test_organisation_changelist_query_count_does_not_grow(
    staff_client, regions, django_assert_num_queries, size
):
    for number in range(size):
        organisation = Organisation.objects.create(
            name=f"Gemeente {number:03d}",
            kind=Organisation.Kind.MUNICIPALITY,
            cbs_code=f"GM{number:04d}",
            region=regions["holland_rijnland"],
        )
        Person.objects.create(
            first_name="P", last_name=f"{number}", email=f"p{number}@x.nl", organisation=organisation
        )
    # session, user, user and group permissions, the region filter's choices, 2 counts, the page
    with django_assert_num_queries(8):
        response = staff_client.get(changelist("organisation"))
    assert len(shown(response)) == size


# --- people -----------------------------------------------------------------------------------


def test_person_changelist_uses_dutch_sort_names(staff_client, people):
    response = staff_client.get(changelist("person"))
    html = response.content.decode()
    assert [person.sort_name for person in shown(response)] == [
        "Bakker, Anna",
        "Berg, Piet van der",
        "Vries, Jack de",
    ]
    assert "Vries, Jack de" in html
    assert "Holland Rijnland" in html  # the region of Jack's organisation


def test_person_changelist_shows_whether_there_is_an_account(staff_client, people):
    response = staff_client.get(changelist("person"))
    html = response.content.decode()
    assert html.count('alt="True"') == 1
    assert html.count('alt="False"') == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vries", ["jack"]),  # last name
        ("anna", ["anna"]),  # first name
        ("pzh.nl", ["piet"]),  # e-mail address
        ("Rotterdam", ["anna"]),  # organisation name
        ("nobody", []),
    ],
)
def test_person_search(staff_client, people, query, expected):
    response = staff_client.get(changelist("person"), {"q": query})
    assert shown(response) == [people[key] for key in expected]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # A region holds the regions inside it: Leiden lies in Holland Rijnland, part of Hollands Midden.
        ({"region": "hollands_midden"}, ["jack"]),
        ({"region": "holland_rijnland"}, ["jack"]),
        ({"region": "rijnmond"}, ["anna"]),
        ({"function__exact": "griffier"}, ["anna"]),
        ({"function__exact": "burgemeester"}, ["jack"]),
        ({"organisation_kind": "province"}, ["piet"]),
        ({"organisation_kind": "municipality"}, ["anna", "jack"]),
    ],
)
def test_person_filters(staff_client, people, regions, params, expected):
    if "region" in params:
        params = {"region": regions[params["region"]].pk}
    response = staff_client.get(changelist("person"), params)
    assert response.status_code == 200
    assert shown(response) == [people[key] for key in expected]


def test_person_region_filter_lists_regions(staff_client, people, regions):
    response = staff_client.get(changelist("person"))
    html = response.content.decode()
    assert f"?region={regions['hollands_midden'].pk}" in html
    assert "Rotterdam Rijnmond" in html


def test_person_organisation_uses_autocomplete(staff_client, people, organisations):
    response = staff_client.get(reverse("admin:members_person_change", args=[people["anna"].pk]))
    assert 'data-ajax--url="/admin/autocomplete/"' in response.content.decode()
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "person", "field_name": "organisation", "term": "GM0546"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["Leiden"]


@pytest.mark.parametrize("size", [5, 50])
def test_person_changelist_query_count_does_not_grow(
    staff_client, organisations, django_assert_num_queries, size
):
    kinds = [organisations["leiden"], organisations["rotterdam"], organisations["provincie"], None]
    for number in range(size):
        user = User.objects.create_user(email=f"p{number}@x.nl") if number % 2 else None
        Person.objects.create(
            first_name=f"Voornaam{number}",
            last_name=f"Achternaam{number:03d}",
            email=f"p{number}@x.nl",
            organisation=kinds[number % len(kinds)],
            function=Person.Function.AMBTENAAR,
            user=user,
        )
    # session, user, user and group permissions, the region filter's choices, 2 counts, the page;
    # and the newsletter list filter's choices (messaging's "newsletter list", issue 14: 9)
    # and the network filter's choices (networks' "network", issue 16: 10)
    with django_assert_num_queries(10):
        response = staff_client.get(changelist("person"))
    assert len(shown(response)) == size


# --- history ----------------------------------------------------------------------------------


def person_form_data(person: Person, **changes) -> dict:
    data = {
        "first_name": person.first_name,
        "tussenvoegsel": person.tussenvoegsel,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "organisation": person.organisation_id or "",
        "function": person.function,
        "job_title": person.job_title,
        "user": person.user_id or "",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_admin_change_to_a_person_is_recorded_with_who_and_what(
    staff_client, staff_user, people, organisations
):
    anna = people["anna"]
    response = staff_client.post(
        reverse("admin:members_person_change", args=[anna.pk]),
        person_form_data(anna, job_title="griffier Rotterdam", organisation=organisations["leiden"].pk),
    )
    assert response.status_code == 302
    latest, previous = anna.history.all()[:2]
    assert latest.history_user == staff_user
    assert latest.history_type == "~"
    changed = {change.field: (change.old, change.new) for change in latest.diff_against(previous).changes}
    assert changed == {
        "job_title": ("", "griffier Rotterdam"),
        "organisation": (organisations["rotterdam"].pk, organisations["leiden"].pk),
    }

    history = staff_client.get(reverse("admin:members_person_history", args=[anna.pk]))
    html = history.content.decode()
    assert "secretariaat@vzhg.nl" in html
    assert "griffier Rotterdam" in html
    # the diff names the organisations, old and new
    assert re.search(
        r'Rotterdam\s*<span aria-hidden="true">→</span><span class="vzhg-sr-only">[^<]+</span>\s*Leiden', html
    )


def test_admin_change_to_an_organisation_is_in_its_history(staff_client, staff_user, organisations):
    rotterdam = organisations["rotterdam"]
    response = staff_client.post(
        reverse("admin:members_organisation_change", args=[rotterdam.pk]),
        {
            "name": "Rotterdam",
            "kind": "municipality",
            "website": "https://www.rotterdam.nl",
            "cbs_code": "GM0599",
            "region": rotterdam.region_id,
            "in_mrdh": "on",
            "inhabitants": "",
            "member_since": "",
            "member_until": "",
            "email_domains-TOTAL_FORMS": "0",
            "email_domains-INITIAL_FORMS": "0",
            "people-TOTAL_FORMS": "0",
            "people-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    record = rotterdam.history.latest()
    assert record.history_user == staff_user
    html = staff_client.get(
        reverse("admin:members_organisation_history", args=[rotterdam.pk])
    ).content.decode()
    assert "https://www.rotterdam.nl" in html


# --- Content Security Policy ------------------------------------------------------------------


def test_admin_pages_need_no_inline_script(staff_client, people, organisations):
    jack = people["jack"]
    urls = [
        "/admin/",
        changelist("person"),
        changelist("organisation"),
        changelist("region"),
        changelist("user"),
        reverse("admin:members_person_change", args=[jack.pk]),
        reverse("admin:members_person_history", args=[jack.pk]),
        reverse("admin:members_organisation_change", args=[organisations["leiden"].pk]),
        reverse("admin:members_user_change", args=[jack.user_id]),
        reverse("admin:members_user_add"),
        reverse("admin:members_person_import"),
        reverse("admin:members_person_export"),
    ]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), url
        assert not re.search(r"\son[a-z]+=\"", html), url  # inline event handlers


def test_region_admin_lists_nested_regions(staff_client, regions, organisations):
    response = staff_client.get(changelist("region"))
    by_name = {region.name: region for region in shown(response)}
    assert by_name["Holland Rijnland"].parent == regions["hollands_midden"]
    assert by_name["Holland Rijnland"].organisation_count == 1
    assert Region.objects.count() == 3


def test_only_a_superuser_grants_superuser_status(staff_client, people):
    user = people["jack"].user
    response = staff_client.post(
        reverse("admin:members_user_change", args=[user.pk]),
        {
            "email": user.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_staff
    assert not user.is_superuser
