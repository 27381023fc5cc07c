"""Every write of the newsletter, one module per topic:

- editions.py: composing and planning an edition (sections, test mail, schedule).
- sending.py: starting, resuming and finishing a send as a whole; the periodic sweep.
- batches.py: one SMTP batch, each delivery handed to the relay at most once.
- subscriptions.py: the list (double opt-in, unsubscribe, profile, imports, bounces).
"""
