"""Where countries are, for the speed-of-light bound and the detour index.

Each country is reduced to one point (its main Internet city: where its exchanges and
landing stations are). Coarse on purpose: the bound only has to reject the impossible
(a "Paris" hop 3 ms from Guadeloupe), not to place routers precisely.
"""

from __future__ import annotations

import math

# ISO code -> (latitude, longitude) of the main Internet city
POINTS: dict[str, tuple[float, float]] = {
    "GP": (16.24, -61.53), "MF": (18.07, -63.08), "BL": (17.90, -62.85), "SX": (18.03, -63.05),
    "MQ": (14.61, -61.07), "GF": (4.94, -52.33), "PR": (18.47, -66.11), "VI": (18.34, -64.93),
    "VG": (18.43, -64.62), "AG": (17.12, -61.85), "KN": (17.30, -62.72), "DM": (15.30, -61.39),
    "LC": (14.01, -60.99), "VC": (13.16, -61.23), "BB": (13.10, -59.62), "GD": (12.05, -61.75),
    "TT": (10.65, -61.51), "CW": (12.11, -68.93), "AW": (12.52, -70.03), "BQ": (12.15, -68.27),
    "DO": (18.49, -69.93), "HT": (18.54, -72.34), "JM": (18.02, -76.80), "CU": (23.11, -82.37),
    "BS": (25.05, -77.35), "KY": (19.29, -81.37), "BM": (32.29, -64.78), "AI": (18.22, -63.06),
    "MS": (16.74, -62.19), "TC": (21.46, -71.14), "VE": (10.49, -66.88), "CO": (4.71, -74.07),
    "PA": (8.98, -79.52), "CR": (9.93, -84.08), "MX": (19.43, -99.13), "BR": (-23.55, -46.63),
    "AR": (-34.60, -58.38), "CL": (-33.45, -70.67), "GY": (6.80, -58.16), "SR": (5.85, -55.20),
    "US": (25.77, -80.19), "CA": (43.65, -79.38), "FR": (48.86, 2.35), "NL": (52.37, 4.90),
    "DE": (50.11, 8.68), "GB": (51.51, -0.13), "BE": (50.85, 4.35), "ES": (40.42, -3.70),
    "PT": (38.72, -9.14), "IT": (45.46, 9.19), "CH": (47.37, 8.54), "SE": (59.33, 18.07),
    "IE": (53.35, -6.26), "AT": (48.21, 16.37), "PL": (52.23, 21.01), "RU": (55.76, 37.62),
    "IN": (19.08, 72.88), "JP": (35.68, 139.69), "SG": (1.35, 103.82), "HK": (22.32, 114.17),
    "AU": (-33.87, 151.21), "ZA": (-26.20, 28.05), "KE": (-1.29, 36.82), "NG": (6.52, 3.38),
    "CN": (39.90, 116.40), "RE": (-20.88, 55.45), "NZ": (-36.85, 174.76), "DK": (55.68, 12.57),
    "NO": (59.91, 10.75), "FI": (60.17, 24.94), "CZ": (50.08, 14.44), "HU": (47.50, 19.04),
    "RO": (44.43, 26.10), "BG": (42.70, 23.32), "GR": (37.98, 23.73), "TR": (41.01, 28.98),
    "UA": (50.45, 30.52), "IL": (32.09, 34.78), "AE": (25.20, 55.27), "LU": (49.61, 6.13),
}  # fmt: skip


def distance_km(a: str, b: str) -> float | None:
    """Great-circle distance between two countries' points; None if one is unknown."""
    pa, pb = POINTS.get(a), POINTS.get(b)
    if pa is None or pb is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*pa, *pb))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))
