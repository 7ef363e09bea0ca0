"""Switch SNMP secrets encrypted at rest, like BGP passwords (0005): the columns become
text and existing values are sealed with the registry's key. Rows are read and written
with raw SQL (the historical field already decrypts on read); a value the key already
opens is left alone; going back decrypts them.
"""

from django.db import migrations

import lakou.registry.secretbox

FIELDS = ("snmp_community", "snmp_auth_password", "snmp_priv_password")


def _rewrite(apps, schema_editor, change):  # type: ignore[no-untyped-def]
    from lakou.registry.secretbox import configured_key_path

    path = configured_key_path()
    table = schema_editor.quote_name(apps.get_model("registry", "Switch")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for name in FIELDS:
            column = schema_editor.quote_name(name)
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")
            for pk, value in cursor.fetchall():
                new = change(value, path)
                if new != value:
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [new, pk])


def seal_secrets(apps, schema_editor):  # type: ignore[no-untyped-def]
    from lakou.registry.secretbox import is_sealed, seal

    _rewrite(apps, schema_editor, lambda v, p: v if is_sealed(v, p) else seal(v, p))


def unseal_secrets(apps, schema_editor):  # type: ignore[no-untyped-def]
    from lakou.registry.secretbox import is_sealed, unseal

    _rewrite(apps, schema_editor, lambda v, p: unseal(v, p) if is_sealed(v, p) else v)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_merge_ports_and_secrets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="switch",
            name="snmp_auth_password",
            field=lakou.registry.secretbox.EncryptedCharField(
                blank=True,
                help_text="Never published.",
                max_length=128,
                verbose_name="SNMP v3 authentication pass phrase",
            ),
        ),
        migrations.AlterField(
            model_name="switch",
            name="snmp_community",
            field=lakou.registry.secretbox.EncryptedCharField(
                blank=True,
                help_text="SNMP v2c community (never published).",
                max_length=128,
                verbose_name="SNMP community",
            ),
        ),
        migrations.AlterField(
            model_name="switch",
            name="snmp_priv_password",
            field=lakou.registry.secretbox.EncryptedCharField(
                blank=True,
                help_text="Never published.",
                max_length=128,
                verbose_name="SNMP v3 privacy pass phrase",
            ),
        ),
        migrations.RunPython(seal_secrets, unseal_secrets),
    ]
