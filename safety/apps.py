from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"

    def ready(self):
        from cases.views import add_case_page_list

        from .models import SafetyNotice

        add_case_page_list("notices", lambda case: SafetyNotice.objects.filter(case_id=case).select_related("sender"))
