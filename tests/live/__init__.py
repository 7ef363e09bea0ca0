"""The daemon tests (``pytest.mark.live``), one directory per component as in ``src/lakou``.

Their helpers are the package ``tests.live.helpers``.
"""
