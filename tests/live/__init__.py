"""The daemon tests (``pytest.mark.live``), one directory per component as in ``src/lakou``.

Their helpers are the package ``tests.live.helpers``. ``rsworld`` is also reachable here
for the command-line tests that import it as ``from tests.live import rsworld``.
"""

from tests.live.helpers import rsworld

__all__ = ["rsworld"]
