"""No secret oracle through the admin's list filters, for any admin, field path or lookup.

An attacker with a staff login used to recover a BGP password by asking the member list
``?bgp_password__startswith=M``, ``Md``, ``Md5``... and watching the count. Here every
admin the site registers is asked, for every path that reaches a secret field (directly
or through relations, forward or reverse, up to five hops) and every lookup Django
offers on that field, once with a value that matches what the database holds and once
with one that does not: the two answers must be the same, so they say nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakou.accounts.keys import create_key
from lakou.accounts.models import ApiKey
from lakou.accounts.testing import verified_login
from lakou.demo import load_demo
from lakou.registry import models as m

pytestmark = pytest.mark.django_db

# Every field holding a secret, named here (not derived from the code under test).
SECRET_FIELDS = {
    (m.Member, "bgp_password"),
    (m.Switch, "snmp_community"),  # SNMP secrets of the port poller (encrypted, 0007)
    (m.Switch, "snmp_auth_password"),
    (m.Switch, "snmp_priv_password"),
    (get_user_model(), "password"),
    (TOTPDevice, "key"),  # two-factor secrets and API key digests (lakou.accounts)
    (ApiKey, "digest"),
}
SECRET_WORDS = ("password", "secret", "token", "key")
MAX_HOPS = 5


@pytest.fixture(autouse=True)
def reset_language() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)


def secret_paths(
    model: type[models.Model], hops: int = MAX_HOPS, seen: tuple[type, ...] = ()
) -> Iterator[tuple[str, type[models.Model], str]]:
    """(lookup path, model holding the secret, field name) for every way to a secret."""
    for field in model._meta.get_fields():
        if (model, field.name) in SECRET_FIELDS:
            yield field.name, model, field.name
            continue
        related = getattr(field, "related_model", None)
        if not field.is_relation or not isinstance(related, type) or hops <= 1:
            continue
        if related in (*seen, model):
            continue
        for rest, owner, name in secret_paths(related, hops - 1, (*seen, model)):
            yield f"{field.name}__{rest}", owner, name


def probe_values(lookup: str, stored: str) -> tuple[str, str]:
    """A value the stored secret satisfies under ``lookup``, and one it does not."""
    head, tail, middle = stored[:5], stored[-5:], stored[3:9]
    table = {
        "exact": (stored, stored + "x"),
        "iexact": (stored.upper(), stored + "x"),
        "contains": (middle, "\x01none"),
        "icontains": (middle.upper(), "\x01none"),
        "startswith": (head, "\x01"),
        "istartswith": (head.upper(), "\x01"),
        "endswith": (tail, "\x01"),
        "iendswith": (tail.upper(), "\x01"),
        "regex": ("^" + re.escape(head), "^\x01"),
        "iregex": ("^" + re.escape(head), "^\x01"),
        "gt": (head[:1], "~~~~"),
        "gte": (head, "~~~~"),
        "lt": ("~~~~", "\x01"),
        "lte": ("~~~~", "\x01"),
        "in": (stored, stored + "x"),
        "range": (f"{head[:1]},~~~~", "~,~~"),
        "isnull": ("False", "True"),
    }
    return table.get(lookup, (stored, stored + "x"))


def stored_value(owner: type[models.Model], name: str) -> str:
    """What the database row holds (ciphertext for an encrypted field), read raw."""
    table = connection.ops.quote_name(owner._meta.db_table)
    column = connection.ops.quote_name(owner._meta.get_field(name).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' ORDER BY 1")
        row = cursor.fetchone()
    assert row, f"no {owner.__name__}.{name} set: the probe would prove nothing"
    return str(row[0])


def answer(client: Client, url: str, params: dict[str, str]) -> tuple[int, str]:
    response = client.get(url, params)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return response.status_code, body


@pytest.fixture
def staff(client: Client) -> Client:
    load_demo()
    for member in m.Member.objects.all()[:3]:
        member.bgp_password = f"Md5Secret-{member.pk}-x"
        member.save()
    for switch in m.Switch.objects.all()[:2]:  # the port poller's SNMP secrets
        switch.snmp_community = f"community-{switch.pk}"
        switch.snmp_auth_password = f"auth-pass-{switch.pk}"
        switch.snmp_priv_password = f"priv-pass-{switch.pk}"
        switch.save()
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-boss-12")
    create_key(user)  # an API key digest to probe for
    verified_login(client, user)  # staff pass the second factor (lakou.accounts)
    return client


def test_every_secret_field_is_named_in_this_test() -> None:
    """A new encrypted field, or one called *password*, *secret*, *token* or *key*, must
    join SECRET_FIELDS (so the oracle test below probes it)."""
    found = {
        (model, field.name)
        for model in admin.site._registry
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and (getattr(field, "secret", False) or any(w in field.name for w in SECRET_WORDS))
    }
    assert found <= SECRET_FIELDS, found - SECRET_FIELDS


def test_no_admin_filter_is_an_oracle_on_a_secret(staff: Client) -> None:
    """Every admin, path and lookup is refused before any query is made, whatever the value,
    so a match and a miss answer alike; the first probe of each admin also goes through the
    whole site (middleware, admin view, error page) and gets the same 400 both ways."""
    user = get_user_model().objects.get(username="boss")
    factory = RequestFactory()
    probes = through_the_site = 0
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for path, owner, name in secret_paths(model):
            field = owner._meta.get_field(name)
            stored = stored_value(owner, name)
            for lookup in sorted(field.get_lookups()):
                hit, miss = probe_values(lookup, stored)
                key = f"{path}__{lookup}"
                for value in (hit, miss):
                    request = factory.get(url, {key: value})
                    request.user = user
                    with pytest.raises(DisallowedModelAdminLookup):
                        model_admin.get_changelist_instance(request)
                probes += 1
        first = next(secret_paths(model), None)
        if first:
            path, owner, name = first
            hit, miss = probe_values("startswith", stored_value(owner, name))
            yes = answer(staff, url, {f"{path}__startswith": hit})
            no = answer(staff, url, {f"{path}__startswith": miss})
            assert yes == no and yes[0] == 400, f"{model_admin}: ?{path}__startswith="
            through_the_site += 1
    print(f"{probes} probes refused; {through_the_site} of them also through the site")
    assert probes > 500  # every admin, every path, every lookup was tried
    assert through_the_site >= 10  # every admin that reaches a secret, end to end


def test_the_probe_sees_an_oracle_where_there_is_one(staff: Client) -> None:
    """The same probe on a public field does tell a match: the test above can fail."""
    url = reverse("admin:registry_network_changelist")
    stored = m.Network.objects.order_by("name").first().name  # type: ignore[union-attr]
    hit, miss = probe_values("startswith", stored)
    assert answer(staff, url, {"name__startswith": hit}) != answer(
        staff, url, {"name__startswith": miss}
    )


def test_filters_on_public_fields_still_work(staff: Client) -> None:
    url = reverse("admin:registry_member_changelist")
    response = staff.get(url, {"status__exact": "connected"})
    assert response.status_code == 200
    exchange = m.Member.objects.filter(network__asn=33392).first().exchange  # type: ignore[union-attr]
    response = staff.get(url, {"exchange__id__exact": str(exchange.pk)})
    assert response.status_code == 200 and "Dauphin" in response.content.decode()
