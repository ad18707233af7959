from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        from referrals.views import add_referral_page_part

        from .referral_views import referral_page_part

        add_referral_page_part(referral_page_part)
