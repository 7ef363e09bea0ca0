"""lakou.whatif: simulate BGP routing on the AS graph (cable cuts, new members, new peerings).

Pipeline: ``asrel`` (CAIDA files) -> ``graph`` (editable AS graph, exchange hubs, splits;
compiled to CSR arrays) -> ``kernel`` (Gao-Rexford routing tree per destination),
``alldest`` (every destination, aggregates only), ``reach`` (valley-free reachability)
-> ``scenario`` (before/after an event, with/without the exchanges, candidates) ->
``report`` (words, JSON, HTML). No Django: ``exchanges`` takes ``lakou.exchange`` objects.
"""
