"""API authentication: `Authorization: Bearer od_…` with a token an administrator issued to an agency.

A logged-in person's session works too (the same cast, the same rules), with Django's CSRF check on writes."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from .models import ApiToken


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be «Bearer <key>»."))
        token = (ApiToken.objects.select_related("account", "agency")
                 .filter(key_hash=ApiToken.hash(header[1])).first())
        if token is None or not token.active or not token.account.is_active:
            raise exceptions.AuthenticationFailed(_("The API key is unknown or has been revoked."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.account, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.TokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Ключ API организации (od_…)"}


class HasScope(permissions.BasePermission):
    """A token may do only what its scopes allow; a person's session is bound by the access functions alone."""

    message = _("The API key has no right to this operation.")

    def has_permission(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is None:
            return request.user and request.user.is_authenticated
        needed = view.required_scope(request) if hasattr(view, "required_scope") else None
        return needed is None or needed in token.scopes
