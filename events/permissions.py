"""What the Secretariaat group may do with the events models (see vzhg.permissions)."""

from vzhg.permissions import ALL

# All rights on events and their parts; registrations and invitations are written by services
# (the admin offers no add/delete for them), so all rights are safe there too.
SECRETARIAT = {
    "events.Event": ALL,
    "events.ProgrammeItem": ALL,
    "events.Round": ALL,
    "events.Session": ALL,
    "events.Registration": ALL,
    "events.Invitation": ALL,
    "events.Question": ALL,  # the event's own questions, edited inline on the event
    "events.EventMaterial": ALL,
}
