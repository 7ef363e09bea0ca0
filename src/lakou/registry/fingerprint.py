"""A cheap fingerprint of the registry's content, for caches of what is built from it.

One query returns, for every registry table (and the many-to-many tables between them),
its row count and the latest ``updated`` time: any save through Django (admin, CLI,
imports) moves a time, any insert or delete moves a count, whichever process made it.
The public IX-F export keys its cache on it, so a change shows at the next request. A
bulk ``QuerySet.update()`` moves neither: such writers are why caches keyed on this also
keep a time limit.
"""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.db import connection


@functools.cache
def _sql() -> str:
    quote = connection.ops.quote_name
    parts: list[str] = []
    for model in apps.get_app_config("registry").get_models():
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        if any(f.name == "updated" for f in model._meta.concrete_fields):
            parts.append(f"(SELECT MAX({quote('updated')}) FROM {table})")
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through is not None and through._meta.auto_created:
                parts.append(f"(SELECT COUNT(*) FROM {quote(through._meta.db_table)})")
    return "SELECT " + ", ".join(parts)


def registry_fingerprint() -> tuple[Any, ...]:
    """Row counts and latest update times of the registry's tables (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql())
        row = cursor.fetchone()
    return (connection.alias, *row)
