"""The self-service audit log (and queue of changes waiting for staff): ``Change``."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("registry", "0001_initial"),  # needs only Network and Exchange
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="when"),
                ),
                ("username", models.CharField(max_length=150, verbose_name="user name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("mac", "MAC address"),
                            ("routing", "AS-SET and max-prefix"),
                            ("session", "route-server session"),
                            ("contact", "contact"),
                        ],
                        max_length=16,
                        verbose_name="what",
                    ),
                ),
                ("target", models.CharField(blank=True, max_length=255, verbose_name="on")),
                ("before", models.JSONField(blank=True, default=dict, verbose_name="before")),
                ("after", models.JSONField(blank=True, default=dict, verbose_name="after")),
                ("operation", models.JSONField(default=dict, verbose_name="operation")),
                (
                    "via",
                    models.CharField(
                        choices=[("portal", "portal"), ("api", "API key")],
                        default="portal",
                        max_length=8,
                        verbose_name="via",
                    ),
                ),
                (
                    "api_prefix",
                    models.CharField(blank=True, max_length=16, verbose_name="API key"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("applied", "applied"),
                            ("pending", "waiting for staff approval"),
                            ("refused", "refused"),
                            ("failed", "not applied"),
                        ],
                        db_index=True,
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                ("message", models.TextField(blank=True, verbose_name="message")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "exchange",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="selfservice_changes",
                        to="registry.exchange",
                        verbose_name="exchange",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="selfservice_changes",
                        to="registry.network",
                        verbose_name="network",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="selfservice_changes",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "self-service change",
                "verbose_name_plural": "self-service changes",
                "ordering": ["-created", "-id"],
            },
        ),
    ]
