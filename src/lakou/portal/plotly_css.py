"""plotly.js's own style rules as a stylesheet, so the CSP needs no inline styles.

plotly.js injects its rules (fonts, the mode bar, hover labels, the notifier) into a
``<style id="plotly.js-style-global">`` it creates, which a Content-Security-Policy
without ``'unsafe-inline'`` blocks. It skips that step when the page already has an
element of that id with the class ``no-inline-styles`` (plotly.js >= 2.x). So the
portal reads the rules from the installed bundle (the object literal whose first key is
``"X,X div"``, ``X`` standing for ``.js-plotly-plot .plotly`` and ``Y`` for
``.plotly-notifier``, exactly as plotly.js expands them) and serves them as a file the
page links under that id. The bundle also carries the map library's stylesheet, injected
the same way unless an element of its id exists: lakou draws no maps, so the page holds
an empty ``<template>`` of that id (:func:`map_style_ids`).
"""

from __future__ import annotations

import re

FIRST_KEY = '{"X,X div":'
_MAP_STYLE = re.compile(
    r'document\.getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)'
)
_ENTRY = re.compile(r"""\s*(?:"([^"]*)"|([A-Za-z_$][\w$]*))\s*:\s*(?:'([^']*)'|"([^"]*)")\s*""")


class PlotlyCssError(ValueError):
    """The bundle does not hold the rules where plotly.js keeps them."""


def plotly_rules(bundle: str) -> list[tuple[str, str]]:
    """(selector, declarations) in plotly.js's order, read from ``plotly.min.js``."""
    start = bundle.find(FIRST_KEY)
    if start < 0:
        raise PlotlyCssError("plotly.js style rules not found in the bundle")
    pos, rules = start + 1, []
    while True:
        match = _ENTRY.match(bundle, pos)
        if match is None:
            raise PlotlyCssError(f"unexpected text in plotly.js style rules at {pos}")
        key = match.group(1) if match.group(1) is not None else match.group(2)
        value = match.group(3) if match.group(3) is not None else match.group(4)
        rules.append((_selector(key), value))
        pos = match.end()
        if bundle[pos] == "}":
            return rules
        if bundle[pos] != ",":
            raise PlotlyCssError(f"unexpected text in plotly.js style rules at {pos}")
        pos += 1


def _selector(key: str) -> str:
    key = re.sub(r"^,", " ,", key)
    return key.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")


def plotly_css(bundle: str) -> str:
    return "".join(
        f"{selector}{{{declarations}}}\n" for selector, declarations in plotly_rules(bundle)
    )


def map_style_ids(bundle: str) -> list[str]:
    """Ids of the ``<style>`` elements the bundle injects unless the page has them."""
    return _MAP_STYLE.findall(bundle)
