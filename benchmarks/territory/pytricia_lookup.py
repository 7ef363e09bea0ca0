"""The reference for ``lakou territory lookup``: the same answers with pytricia, as a script.

What a Python user would write without lakou: read the IP→ASN range table (start, end,
ASN, name) with the csv module, turn each range into prefixes with ``ipaddress``, load
them into a pytricia trie, then print, for each address given, its prefix and origin AS
as JSON (the fields of ``lakou territory lookup --format json``).

    python benchmarks/territory/pytricia_lookup.py TABLE.csv IP...
"""

from __future__ import annotations

import csv
import ipaddress
import json
import sys

import pytricia


def main(argv: list[str]) -> None:
    table, ips = argv[0], argv[1:]
    trie = pytricia.PyTricia(32)
    with open(table, newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) < 3 or not row[2].isdigit():
                continue
            first, last = ipaddress.IPv4Address(row[0]), ipaddress.IPv4Address(row[1])
            for net in ipaddress.summarize_address_range(first, last):
                trie[str(net)] = int(row[2])
    out = []
    for ip in ips:
        prefix = trie.get_key(ip)
        out.append({"ip": ip, "prefix": prefix, "asn": trie[prefix] if prefix else None})
    json.dump(out, sys.stdout, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
