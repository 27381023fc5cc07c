"""Text helpers for the workplan and annual report templates: sanitised Markdown with the
language's quotation marks, quoting a title, and a string safe inside a CSS string."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from vzhg.markdown import markdown_to_html

register = template.Library()

QUOTES = {"nl": ("\u201e", "\u201c"), "en": ("\u201c", "\u201d")}
_TAG = re.compile(r"(<[^>]+>)")
_PAIR = re.compile(r"(?:\"|&quot;|&#34;)([^\"<>]*?)(?:\"|&quot;|&#34;)")


def _quotes() -> tuple[str, str]:
    return QUOTES.get((get_language() or "nl").split("-")[0], QUOTES["en"])


def smart_quotes(html: str) -> str:
    """Straight double quotes around a phrase in the text (not in tags) become the language's
    quotation marks: „zo“ in Dutch, “so” in English."""
    opening, closing = _quotes()
    parts = _TAG.split(html)
    return "".join(
        part if part.startswith("<") else _PAIR.sub(rf"{opening}\1{closing}", part) for part in parts
    )


@register.filter
def report_markdown(text, top_level=3):
    """Markdown → sanitised HTML (newsletters.rendering), its headings starting at `top_level`
    (3 in a chapter, 4 in an activity) and with typographic quotation marks."""
    html = markdown_to_html(text or "")
    if int(top_level) == 4:
        html = re.sub(r"<(/?)h4>", r"<\1h5>", html)
        html = re.sub(r"<(/?)h3>", r"<\1h4>", html)
    return mark_safe(smart_quotes(html))  # noqa: S308 - sanitised by markdown_to_html


@register.filter
def quoted(value):
    """A title between the language's quotation marks, escaped."""
    opening, closing = _quotes()
    return mark_safe(f"{opening}{conditional_escape(value)}{closing}")  # noqa: S308


@register.filter
def css_string(value):
    """A value for inside a double-quoted CSS string (in the PDF templates' <style>)."""
    text = str(value)
    text = text.replace("\\", "\\5c ").replace('"', "\\22 ").replace("<", "\\3c ").replace("\n", " ")
    return mark_safe(text)  # noqa: S308 - escaped for CSS above, and no '<' can close the style
