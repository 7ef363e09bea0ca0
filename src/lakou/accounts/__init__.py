"""Member accounts: who may sign in, for which member networks, with which role.

Roles: staff (Django's ``is_staff``: the operator), member admin and member user (a
``Membership`` links a user to a registry ``Network`` by ASN; a user may hold several),
and regulator (read-only aggregates, never a member's private data). Two-factor
authentication (TOTP and recovery codes) comes from django-otp; staff and member admins
must enrol before any private page opens. API keys are per user, shown once, stored as a
SHA-256 digest, scoped read or write, and expire within a year.
"""
