"""BGP passwords encrypted at rest: the column becomes text, existing values are sealed.

The rows are read and written with raw SQL: the historical model's field already
decrypts on read, and the values in the table are still clear text. A value the key
already opens is left alone, so running this on a half-converted table is safe. Going
back decrypts them into the clear ``varchar(80)`` column again.
"""

from django.db import migrations

import lakou.registry.secretbox


def _rewrite(apps, schema_editor, change):  # type: ignore[no-untyped-def]
    from lakou.registry.secretbox import configured_key_path

    path = configured_key_path()
    table = schema_editor.quote_name(apps.get_model("registry", "Member")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, bgp_password FROM {table} WHERE bgp_password <> ''")
        rows = cursor.fetchall()
        for pk, value in rows:
            new = change(value, path)
            if new != value:
                cursor.execute(f"UPDATE {table} SET bgp_password = %s WHERE id = %s", [new, pk])


def seal_passwords(apps, schema_editor):  # type: ignore[no-untyped-def]
    from lakou.registry.secretbox import is_sealed, seal

    _rewrite(apps, schema_editor, lambda v, p: v if is_sealed(v, p) else seal(v, p))


def unseal_passwords(apps, schema_editor):  # type: ignore[no-untyped-def]
    from lakou.registry.secretbox import is_sealed, unseal

    _rewrite(apps, schema_editor, lambda v, p: unseal(v, p) if is_sealed(v, p) else v)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_unique_ixf_ids"),
    ]

    operations = [
        migrations.AlterField(
            model_name="member",
            name="bgp_password",
            field=lakou.registry.secretbox.EncryptedCharField(
                blank=True,
                help_text="TCP MD5 password of the member's route-server sessions (never published).",
                max_length=80,
                verbose_name="BGP password",
            ),
        ),
        migrations.RunPython(seal_passwords, unseal_passwords),
    ]
