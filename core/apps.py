from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from opendoor.production import deploy_check

        checks.register(deploy_check, checks.Tags.security, deploy=True)
