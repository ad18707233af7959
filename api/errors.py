"""Every API error is JSON: {"error": {"code": <stable code>, "message": <Russian text>, "fields": {...}}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from lib.errors import ActionError

CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "malformed_request",
    exceptions.ValidationError: "invalid",
}


def _message(exc):
    if isinstance(exc, exceptions.ValidationError):
        return _("The request has errors; see the fields.")
    if isinstance(exc, exceptions.Throttled):
        return _("Too many requests. Try again in %(seconds)s s.") % {"seconds": exc.wait and int(exc.wait) or 60}
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
    return str(detail)


def _fields(detail):
    if isinstance(detail, dict):
        return {key: [str(m) for m in (value if isinstance(value, list) else [value])]
                if not isinstance(value, dict) else _fields(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def handle(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("You do not have the right to do this."))
    elif isinstance(exc, ActionError):
        return Response({"error": {"code": "refused", "message": str(exc)}}, status=status.HTTP_409_CONFLICT)
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), "error")
    body = {"code": code, "message": _message(exc)}
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = _fields(exc.detail)
    response.data = {"error": body}
    return response


def not_found(request, exception=None):
    """A JSON 404 for unknown /api/ addresses (Django's own page would be HTML)."""
    return JsonResponse({"error": {"code": "not_found", "message": _("Not found.")}}, status=404)
