"""What the Secretariaat group may do with the outbox (see vzhg.permissions): read it, to see
failures, and resend failed mail; the bounced addresses, to reset one. Mail is written by services only."""

SECRETARIAT = {
    "mail.OutgoingMail": {"view", "resend"},
    # Undeliverable addresses: seen with their bounces, reset when the address works again.
    "mail.BouncedAddress": {"view", "reset"},
    "mail.Bounce": {"view"},
}
