from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: only our own scripts, styles and images; no inline code."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages with children's data are not kept in shared browser or proxy caches.
            response.setdefault("Cache-Control", "no-store")
        return response


class RejectNulMiddleware:
    """A NUL character in the address, the query or a form field is refused with 400 before any view runs: no
    database keeps it (PostgreSQL refuses it with an error), no legitimate client sends it. The API's JSON bodies
    are cleaned by api.parsers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or self._has_nul(request.GET) or (
                request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                        "multipart/form-data")
                and self._has_nul(request.POST)):
            message = _("The request contains a character that is not allowed.")
            if request.path.startswith("/api/"):  # the API's own error format (api/errors.py)
                return JsonResponse({"error": {"code": "malformed_request", "message": message}}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(query):
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())
