"""Issuing and revoking API keys (the administrator's page «Ключи API»)."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, User
from audit import log
from lib.errors import ActionError

from .models import ApiToken


@transaction.atomic
def issue(*, agency, name, scopes, actor, webhook_url=""):
    """Returns (token, key). The key is shown once; only its hash is stored. With a webhook address, the
    signing secret is made too (shown on the keys page)."""
    if not scopes:
        raise ActionError(_("Choose at least one right for the key."))
    prefix, key = ApiToken.new_key()
    account = User.objects.create(username=f"api-{prefix}", first_name=name[:150], last_name="API")
    account.set_unusable_password()
    account.save()
    Membership.objects.create(user=account, agency=agency, role=Role.REFERRER)
    token = ApiToken.objects.create(agency=agency, name=name, prefix=prefix, key_hash=ApiToken.hash(key),
                                    scopes=sorted(scopes), account=account, created_by=actor,
                                    webhook_url=webhook_url,
                                    webhook_secret=secrets.token_hex(32) if webhook_url else "")
    log.record(actor, "api.token.issue", token, fields=["agency", "name", "scopes"])
    return token, key


@transaction.atomic
def revoke(token, *, actor):
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at:
        raise ActionError(_("This key has already been revoked."))
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save()
    User.objects.filter(pk=token.account_id).update(is_active=False)
    log.record(actor, "api.token.revoke", token, fields=["revoked_at"])
