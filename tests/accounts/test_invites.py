"""Member admins invite and remove their own users, and nobody else's."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from tests.accounts.conftest import World, sign_in, verified_client

from lakou.accounts.models import Membership

pytestmark = pytest.mark.django_db


def test_a_member_admin_invites_a_colleague_who_sets_a_password(world: World) -> None:
    admin = verified_client(world.users["admin-a"])
    page = admin.post(
        f"/members/{world.a.asn}/users/",
        {"username": "carol", "email": "carol@example.org", "role": "member-user"},
    )
    assert page.status_code == 200
    link = re.search(r"<code>(http://testserver/account/reset/[^<]+)</code>", page.content.decode())
    assert link is not None
    carol = get_user_model().objects.get(username="carol")
    assert Membership.objects.get(user=carol).network == world.a
    assert not carol.has_usable_password()
    guest = Client()
    form = guest.get(link[1].removeprefix("http://testserver"), follow=True)
    guest.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Coral-Reef-2026", "new_password2": "Coral-Reef-2026"},
    )
    carol.refresh_from_db()
    assert carol.check_password("Coral-Reef-2026")


def test_a_member_admin_removes_a_user_but_not_the_last_admin(world: World) -> None:
    admin = verified_client(world.users["admin-a"])
    user_a = world.users["user-a"]
    assert admin.post(f"/members/{world.a.asn}/users/{user_a.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(user=user_a, network=world.a).exists()
    me = world.users["admin-a"]
    refused = admin.post(f"/members/{world.a.asn}/users/{me.pk}/remove/")
    assert refused.status_code == 400 and b"last member admin" in refused.content


def test_nobody_else_manages_a_networks_users(world: World) -> None:
    user_a = Client()
    sign_in(user_a, "user-a")
    regulator = Client()
    sign_in(regulator, "regulator")
    admin_b = verified_client(world.users["admin-b"])
    target = world.users["admin-a"].pk
    for client in (user_a, regulator, admin_b):
        assert client.get(f"/members/{world.a.asn}/users/").status_code == 404
        invite = {"username": "mallory", "role": "member-admin"}
        assert client.post(f"/members/{world.a.asn}/users/", invite).status_code == 404
        assert client.post(f"/members/{world.a.asn}/users/{target}/remove/").status_code == 404
    assert not get_user_model().objects.filter(username="mallory").exists()
    # an admin cannot pull staff or a regulator into its network
    admin_a = verified_client(world.users["admin-a"])
    for name in ("staff", "regulator"):
        page = admin_a.post(
            f"/members/{world.a.asn}/users/", {"username": name, "role": "member-admin"}
        )
        assert b"errornote" in page.content
        assert not Membership.objects.filter(user__username=name).exists()
