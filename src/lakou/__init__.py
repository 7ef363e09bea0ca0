"""lakou: run a small territory's Internet exchange point.

Identify the territory's networks and traffic, route it locally through a secure
route server, and prove the gain (local share, transit cost avoided, what-if
simulations of cable cuts). See docs/00-intro.md.
"""

__version__ = "0.1.0"
