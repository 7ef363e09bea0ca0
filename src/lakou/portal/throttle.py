"""Login throttling: django-axes refuses a locked-out login before the password is checked.

Axes' own first backend insists on the HTTP request, which only web logins have; lakou
also authenticates from code (``lakou demo`` checks the demo account, the tests log in
with the test client). Those calls carry no request and no client address to lock: they
are passed on to the password check, while every login through the web is counted.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottle(AxesStandaloneBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None  # not a web login: nothing to throttle
        super().authenticate(request, username, password, **kwargs)
        return None
