"""What the Secretariaat group may do with the networks models (see vzhg.permissions). Seeing a
network's member list on the public site takes `networks.view_networkmembership` (or being a
member): staff status alone is no right."""

from vzhg.permissions import ALL

SECRETARIAT = {
    "networks.Network": ALL,
    "networks.NetworkMembership": ALL,
    "networks.ExpertiseTag": ALL,
}
