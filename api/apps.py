from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from accounts.onboarding import user_deactivated
        from referrals.signals import referral_changed

        user_deactivated.connect(_revoke_keys_of_a_leaver, dispatch_uid="api-revoke-keys-of-leaver")
        referral_changed.connect(_tell_the_agency_system, dispatch_uid="api-webhooks")


def _revoke_keys_of_a_leaver(sender, user, actor, **kwargs):
    """A deactivated account's API keys stop at once (the account itself is the key's identity)."""
    from django.utils import timezone

    from .models import ApiToken

    ApiToken.objects.filter(account=user, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=actor)


def _tell_the_agency_system(sender, referral, event, **kwargs):
    """A referral moved or was answered: queue a webhook to the referring agency's systems."""
    from .webhooks import notify

    notify(referral, event)
