"""What the Secretariaat group may do with the messaging models (see vzhg.permissions)."""

from vzhg.permissions import ALL, VIEW

SECRETARIAT = {
    "messaging.Message": ALL,
    "messaging.MessageTemplate": ALL,
    "messaging.MessageAttachment": ALL,
    "messaging.MessageRecipient": VIEW,
}
