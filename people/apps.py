from django.apps import AppConfig


def _refresh_keys(sender, instance, raw=False, **kwargs):
    """Every saved person gets fresh matching keys (a restore loads the keys with the rest: raw saves skip)."""
    if not raw:
        from .registry import refresh_keys  # app registry: this module is imported before the models

        refresh_keys([instance])


class PeopleConfig(AppConfig):
    name = "people"

    def ready(self):
        from django.db.models.signals import post_save

        from .models import Person

        post_save.connect(_refresh_keys, sender=Person, dispatch_uid="people.refresh_keys")
