"""The peering manager: who a member could peer with, and asking them.

For a member network: the other members of its exchanges, whether the two already
exchange routes (route-server sessions of both up, or a bilateral BGP session seen in the
sFlow samples: ``lakou.flows.bgp_sessions``), the other's peering policy (registry, and the
PeeringDB cache), a templated peering request mailed to the other's peering contact in
the language it chose, with the history of requests, and a "not interested" mark that the
route servers honour (announcement control: the marked network is not sent the member's
routes). Django app ``peering``, its own tables.
"""
