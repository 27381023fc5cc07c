from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from vzhg.uploads import image_response

from . import selectors
from .home import home_page_for_visitor, home_part


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def home(request):
    """The site's home page (URL name "home"): the member municipalities by region, the next
    events, the latest newsletter and news; the public part comes from the cache (pages.home),
    and an anonymous visitor's whole page from this worker's memory (pages.home)."""
    part = home_part(language=_language())
    context = {"member_count": part.member_count, "region_count": part.region_count, "part_html": part.html}
    if request.user.is_authenticated or request.GET or messages.get_messages(request):
        return render(request, "home.html", context)
    return HttpResponse(home_page_for_visitor(request, part=part, template="home.html", context=context))


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


@require_GET
def news_image(request, pk):
    """A published news item's image (a draft's is not reachable), its type judged by content."""
    item = selectors.news_item_published(pk=pk)
    if item is None or not item.image:
        raise Http404
    return image_response(item.image, cache_control="public, max-age=86400")
