"""Content pages and news: sanitised Markdown, the language of the interface with Dutch as the
fallback, and the publish flag (unpublished or unknown: 404 for everyone)."""

import re

import pytest

from pages.models import ContentPage
from tests.factories import MemberFactory, secretariat_user
from tests.pages.conftest import make_news, make_page

pytestmark = pytest.mark.django_db


def test_the_standard_pages_exist_on_a_fresh_install(client):
    # made by the data migration pages 0002
    assert set(ContentPage.objects.filter(published=True).values_list("slug", flat=True)) >= {
        "over-de-vereniging", "statuten", "contact", "privacy",
    }  # fmt: skip
    response = client.get("/pagina/privacy/")
    assert response.status_code == 200
    assert "AVG" in response.content.decode()


def test_markdown_is_rendered_and_scripts_are_removed(client):
    make_page(body_nl="**Vet** <script>alert('x')</script> <a href=\"javascript:alert(1)\">klik</a>")

    page = client.get("/pagina/werkwijze/").content.decode()

    assert "<strong>Vet</strong>" in page
    assert "alert(" not in page
    assert "javascript:" not in page


def test_the_page_follows_the_interface_language(client, english):
    make_page(title_en="How we work", body_en="This is how we work.")

    page = english.get("/pagina/werkwijze/").content.decode()

    assert "How we work" in page and "This is how we work." in page
    assert 'lang="en"' in page


def test_english_falls_back_to_dutch_when_empty(english):
    make_page()

    page = english.get("/pagina/werkwijze/").content.decode()

    assert "Werkwijze" in page and "Zo werken wij." in page
    assert '<article class="content-page" lang="nl">' in page


def test_dutch_is_the_default(client):
    make_page(title_en="How we work", body_en="This is how we work.")

    page = client.get("/pagina/werkwijze/").content.decode()

    assert "Zo werken wij." in page and "This is how we work." not in page


@pytest.mark.parametrize("visitor", ["anonymous", "member", "secretariat"])
def test_unpublished_and_unknown_pages_are_not_found(client, visitor):
    if visitor == "member":
        client.force_login(MemberFactory().user)
    elif visitor == "secretariat":
        client.force_login(secretariat_user())
    make_page(published=False)
    hidden = make_news(published=False)

    assert client.get("/pagina/werkwijze/").status_code == 404
    assert client.get("/pagina/bestaat-niet/").status_code == 404
    assert client.get(f"/nieuws/{hidden.pk}/").status_code == 404
    assert client.get("/nieuws/999999/").status_code == 404
    assert hidden.title_nl not in client.get("/nieuws/").content.decode()


@pytest.mark.parametrize("visitor", ["anonymous", "member"])
def test_published_news_is_public(client, visitor):
    if visitor == "member":
        client.force_login(MemberFactory().user)
    item = make_news(body_nl="Een *nieuw* bestuur. <script>x()</script>")

    listing = client.get("/nieuws/").content.decode()
    detail = client.get(f"/nieuws/{item.pk}/").content.decode()

    assert item.title_nl in listing
    assert "<em>nieuw</em>" in detail and "<script>x()" not in detail


def test_the_footer_links_to_the_content_pages(client):
    page = client.get("/nieuws/").content.decode()

    for slug in ["over-de-vereniging", "statuten", "contact", "privacy"]:
        assert f'href="/pagina/{slug}/"' in page


def test_news_list_query_count(client, django_assert_num_queries):
    for n in range(25):
        make_news(title_nl=f"Bericht {n}")

    # the count for the paginator, the page of items
    with django_assert_num_queries(2):
        response = client.get("/nieuws/")
    assert len(re.findall(r'href="/nieuws/\d+/"', response.content.decode())) == 20
