from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import pre_save


def _clean_text_fields(sender, instance, raw=False, **kwargs):
    """Every model, whatever path writes it (forms, the API, imports, actions): text without control or
    direction-override characters. Models whose stored text must stay byte-exact (the audit chain) opt out."""
    if raw or getattr(sender, "input_exempt", False):
        return
    from lib.validation import clean_instance_text

    clean_instance_text(instance)


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from .production import deploy_check, startup_check

        checks.register(startup_check, checks.Tags.security)
        checks.register(deploy_check, checks.Tags.security, deploy=True)
        pre_save.connect(_clean_text_fields, dispatch_uid="opendoor.clean_text_fields")
