from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from . import selectors
from .home import home_part


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def home(request):
    """The site's home page (URL name "home"): the member municipalities by region, the next
    events, the latest newsletter and news; the public part comes from the cache (pages.home)."""
    part = home_part(language=_language())
    return render(
        request,
        "home.html",
        {"member_count": part.member_count, "region_count": part.region_count, "part_html": part.html},
    )


@require_GET
def page(request, slug):
    content_page = selectors.content_page_published(slug=slug)
    if content_page is None:
        raise Http404
    language = _language()
    return render(
        request,
        "pages/page.html",
        {
            "page": content_page,
            "title": content_page.title_in(language),
            "body_html": content_page.body_html_in(language),
            "text_language": content_page.language_of(language),
        },
    )


@require_GET
def news(request):
    language = _language()
    page_obj = Paginator(selectors.news_published(), 20).get_page(request.GET.get("pagina"))
    items = [(item, item.title_in(language), item.language_of(language)) for item in page_obj]
    return render(request, "pages/news.html", {"items": items, "page_obj": page_obj})


@require_GET
def news_item(request, pk):
    item = selectors.news_item_published(pk=pk)
    if item is None:
        raise Http404
    language = _language()
    return render(
        request,
        "pages/news_item.html",
        {
            "item": item,
            "title": item.title_in(language),
            "body_html": item.body_html_in(language),
            "text_language": item.language_of(language),
        },
    )
