"""The in-app notification moved from core to accounts (below every app that sends one). Only Django's state
moves: the table keeps its name, core_notification, and its rows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_region_settings"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name="Notification",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                               verbose_name="ID")),
                    ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ("text", models.CharField(max_length=300, verbose_name="text")),
                    ("url", models.CharField(blank=True, max_length=200)),
                    ("urgent", models.BooleanField(default=False)),
                    ("read_at", models.DateTimeField(blank=True, null=True)),
                    ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                               related_name="notifications", to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    "db_table": "core_notification",
                    "ordering": ["-created_at", "-id"],
                    "indexes": [models.Index(fields=["user", "read_at"], name="notification_unread_idx")],
                },
            ),
        ]),
    ]
