"""Reading YAML the fast way: libyaml's ``CSafeLoader`` when PyYAML was built with it.

Every YAML reader of lakou (``lakou.yml``, route-server clients and policy, what-if
scenarios, arouteserver files, the demo) goes through :func:`safe_load`: the same safe
subset as ``yaml.safe_load`` (no Python objects), about ten times faster on a large
``clients.yml`` with libyaml (Debian's python3-yaml and the PyPI wheels have it), and the
pure-Python loader otherwise. Errors are PyYAML's own ``yaml.YAMLError`` either way, with
their ``problem_mark`` (line and column), so callers name the place as before.
"""

from __future__ import annotations

from typing import Any

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]

YAMLError = yaml.YAMLError
FAST = SafeLoader is not yaml.SafeLoader


def safe_load(text: str | bytes) -> Any:
    """``yaml.safe_load`` with libyaml's loader when available."""
    return yaml.load(text, Loader=SafeLoader)
