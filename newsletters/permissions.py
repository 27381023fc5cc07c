"""What the Secretariaat group may do with the newsletters models (see vzhg.permissions)."""

from vzhg.permissions import ALL, VIEW

SECRETARIAT = {
    # Lists, editions, their sections and items, subscriptions.
    "newsletters.NewsletterList": ALL,
    "newsletters.Newsletter": ALL,
    "newsletters.Section": ALL,
    "newsletters.Item": ALL,
    "newsletters.Subscription": ALL,
    # Deliveries are written by the sending batches only (the admin shows them read-only).
    "newsletters.Delivery": VIEW,
}
