from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from accounts.views import add_account_fact

        from .actions import hours_for

        add_account_fact(_("Training hours"), lambda user: hours_for(user.email))
