from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MethodsConfig(AppConfig):
    name = "methods"
    verbose_name = _("Methodological support")

    def ready(self):
        from cases.actions import add_team_check
        from cases.views import add_case_page_list

        from .models import LibraryCase, SupervisionRequest
        from .training import check_team

        add_team_check(check_team)  # a trainee leads only with a qualified facilitator
        add_case_page_list("supervision", lambda case: SupervisionRequest.objects.filter(case_id=case)
                           .prefetch_related("sessions"))
        add_case_page_list("stories", lambda case: LibraryCase.objects.filter(source_case_id=case))
