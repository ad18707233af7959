from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations of a region: backup and restore, retention, a service's full export, the figures retention
    keeps. No models: everything here is derived from the other apps' declarations and Django's registry."""

    name = "ops"
    verbose_name = "operations"
