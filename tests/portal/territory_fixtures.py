"""Small public-data files for the territory report pages, and the settings that name them.

The data directory holds the three kinds of files ``lakou territory build`` reads (an RIR
statistics file, an IP→ASN table, an IP→country table), a few lines each, shaped like
the real ones: the Sint Maarten and Saint-Martin networks of ``examples/atlas-results.json``,
OCIX's peering LAN, a Guadeloupe operator with most of its space in Martinique
(regional), an anycast network with a /24 on the island (global), and a block the RIR
puts in Sint Maarten and the IP→country table in Bonaire (a disagreement). The
inventory the pages read is built from them by the territory engine itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lakou.territory.config import Config
from lakou.territory.exports import to_json
from lakou.territory.inventory import build_inventory, discover

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
COUNTRIES = ["GP", "MF", "BL", "SX"]

RIR = """2.3|lacnic|20190910|8|19870101|20190910|-0300
lacnic|*|ipv4|*|6|summary
lacnic|*|asn|*|2|summary
lacnic|SX|ipv4|190.124.216.0|1024|20100101|allocated|1
lacnic|MF|ipv4|148.64.60.0|512|20100101|allocated|2
lacnic|SX|ipv4|200.0.22.0|512|20080101|allocated|3
lacnic|GP|ipv4|45.65.0.0|1024|20100101|allocated|4
lacnic|MQ|ipv4|45.66.0.0|2048|20100101|allocated|4
lacnic|SX|ipv4|186.0.0.0|256|20100101|allocated|5
lacnic|SX|asn|27781|1|20100101|allocated|1
lacnic|MF|asn|395916|1|20100101|allocated|2
"""
ASN = """45.65.0.0,45.65.3.255,21351,Canal+ Telecom
45.66.0.0,45.66.7.255,21351,Canal+ Telecom
104.16.0.0,104.16.255.255,13335,"Cloudflare, Inc."
148.64.60.0,148.64.61.255,395916,THDTEL
186.0.0.0,186.0.0.255,64511,Island Example
190.124.216.0,190.124.219.255,27781,SMITCOMS
200.0.22.0,200.0.23.255,27974,OCIX
"""
COUNTRY = """4.68.111.0,4.68.111.255,US
5.187.96.0,5.187.96.255,FR
23.138.120.0,23.138.120.255,MF
45.65.0.0,45.65.3.255,GP
45.66.0.0,45.66.7.255,MQ
62.40.100.0,62.40.100.255,FR
104.16.0.0,104.16.63.255,US
104.16.64.0,104.16.127.255,DE
104.16.128.0,104.16.191.255,GB
104.16.192.0,104.16.223.255,JP
104.16.224.0,104.16.254.255,BR
104.16.255.0,104.16.255.255,SX
137.194.0.0,137.194.255.255,FR
148.64.60.0,148.64.61.255,MF
186.0.0.0,186.0.0.255,BQ
190.124.216.0,190.124.219.255,SX
200.0.22.0,200.0.23.255,SX
"""

# A hand-made scenario (the what-if tests' SMALL) and its AS-relationship file: three
# island networks each buy transit from AS100 abroad; 1 and 2 are on the exchange.
SCENARIO = """
name: small hurricane
description: Every international transit link is cut.
territories:
  GP: {name: Guadeloupe, ases: {1: One, 2: Two}}
  MF: {name: Saint-Martin, ases: {3: Three}}
exchanges:
  - {slug: ix, name: IX, members: [1, 2]}
cut:
  - {name: hurricane, international_transit: true}
candidates:
  members: [{asn: 3, exchange: ix}]
  peerings: [[2, 3]]
"""
ASREL = "# serial-1\n100|1|-1\n100|2|-1\n100|3|-1\n"


def make_data_dir(root: Path) -> Path:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "delegated-lacnic-extended-20190910").write_text(RIR)
    (data / "asn-ipv4.csv").write_text(ASN)
    (data / "geo-whois-asn-country-ipv4.csv").write_text(COUNTRY)
    return data


def make_inventory(root: Path) -> Path:
    """The inventory JSON, as ``lakou territory build --out`` writes it."""
    data = make_data_dir(root)
    inventory = build_inventory(discover(data), Config(countries=COUNTRIES))
    path = root / "territory.json"
    path.write_text(to_json(inventory))
    return path


def make_scenario(root: Path) -> tuple[Path, Path]:
    scenario, asrel = root / "small.yml", root / "small.as-rel.txt"
    scenario.write_text(SCENARIO)
    asrel.write_text(ASREL)
    return scenario, asrel


def configure(settings: Any, **sections: dict[str, Any]) -> None:
    """Lay ``section={key: value}`` over the active configuration (pytest-django settings)."""
    from lakou.portal import territory_views

    config = settings.LAKOU_CONFIG
    update = {
        name: getattr(config, name).model_copy(update=values) for name, values in sections.items()
    }
    settings.LAKOU_CONFIG = config.model_copy(update=update)
    territory_views.clear_cache()
