"""URLs of member accounts: sign-in/out, two-factor, and the members' own pages."""

from __future__ import annotations

from django.urls import path

from lakou.accounts import member_read_views, password_reset, regulator_views, views
from lakou.accounts.selfservice_urls import urlpatterns as selfservice_urls

app_name = "accounts"

urlpatterns = [
    path("account/login/", views.SignIn.as_view(), name="login"),
    path("account/logout/", views.SignOut.as_view(), name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path(
        "account/reset/<uidb64>/<token>/",
        views.SetPassword.as_view(),
        name="password_reset_confirm",
    ),
    path("account/password-set/", views.password_set, name="password_set"),
    path("account/password-reset/", password_reset.ResetPassword.as_view(), name="password_reset"),
    path(
        "account/password-reset/sent/",
        password_reset.ResetSent.as_view(),
        name="password_reset_done",
    ),
    path("regulator/", regulator_views.regulator, name="regulator"),
    path("members/<int:asn>/", views.member_page, name="member"),
    path("members/<int:asn>/users/", views.member_users, name="member_users"),
    path("members/<int:asn>/routes/", member_read_views.member_routes_page, name="member_routes"),
    path(
        "members/<int:asn>/traffic/", member_read_views.member_traffic_page, name="member_traffic"
    ),
    path(
        "members/<int:asn>/users/<int:user_id>/remove/",
        views.remove_member_user,
        name="remove_member_user",
    ),
    *selfservice_urls,
]
