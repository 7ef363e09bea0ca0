"""Joins the two branches of the registry's history: switch SNMP settings and ports
(0004) and BGP passwords encrypted at rest (0005), made side by side."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_ports_snmp"),
        ("registry", "0005_encrypted_bgp_password"),
    ]

    operations: list[migrations.operations.base.Operation] = []
