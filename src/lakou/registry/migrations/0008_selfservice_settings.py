"""Members' self-service: per exchange, whether their changes wait for staff approval and
whether a MAC they add starts in quarantine, and when the route servers' inputs last
changed; per MAC, whether it is in quarantine. Nothing existing changes: every default is
today's behaviour (changes apply, MACs go straight to production).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_encrypted_snmp_secrets"),
    ]

    operations = [
        migrations.AddField(
            model_name="exchange",
            name="mac_quarantine",
            field=models.BooleanField(
                default=False,
                help_text="A MAC a member adds starts in quarantine; staff or the peering-LAN quarantine check move it to production.",
                verbose_name="MAC quarantine",
            ),
        ),
        migrations.AddField(
            model_name="exchange",
            name="routeserver_changed",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When a change the route servers depend on was last applied.",
                null=True,
                verbose_name="route-server inputs changed",
            ),
        ),
        migrations.AddField(
            model_name="exchange",
            name="selfservice_approval",
            field=models.BooleanField(
                default=False,
                help_text="A member's own changes (MACs, AS-SET, max-prefix, route-server sessions, contacts) wait until staff approve them.",
                verbose_name="self-service changes need staff approval",
            ),
        ),
        migrations.AddField(
            model_name="macaddress",
            name="quarantine",
            field=models.BooleanField(
                default=False,
                help_text="A new MAC watched by the peering-LAN quarantine check before it goes to production.",
                verbose_name="quarantine",
            ),
        ),
    ]
