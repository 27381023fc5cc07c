"""What the Secretariaat group may do with the outbox (see vzhg.permissions): read it, to see
failures, and resend failed mail. Mail is written by services only."""

SECRETARIAT = {
    "mail.OutgoingMail": {"view", "resend"},
}
