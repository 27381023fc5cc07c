"""What the Secretariaat group may do with the public site's models (see vzhg.permissions)."""

from vzhg.permissions import ALL

# The secretariat keeps the content pages and the news.
SECRETARIAT = {
    "pages.ContentPage": ALL,
    "pages.NewsItem": ALL,
}
