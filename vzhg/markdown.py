"""Markdown typed by the secretariat, turned into HTML that is safe to show and to mail.

Newsletter items, report texts and (later) messages all go through `markdown_to_html`, so
there is one list of what may survive: no scripts, styles, event handlers or javascript: links.
"""

import re

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "blockquote",
    "h3", "h4", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def markdown_to_html(text: str) -> str:
    """Markdown → HTML with only the allowed tags left: scripts, styles, event handlers and
    javascript: links are removed, headings are demoted below the edition's own."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    html = re.sub(r"<(/?)h[56]>", r"<\1h4>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
