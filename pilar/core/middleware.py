"""API clients always get JSON, even for errors raised outside django-ninja; a
database outage is a 503, not a 500."""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from pilar.core.failures import Failure, classify, is_database_unavailable, one_line

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
MESSAGES = {
    404: "Alamat API tidak ditemukan.",
    405: "Metode HTTP ini tidak didukung untuk alamat ini.",
}


class ApiJsonErrorsMiddleware:
    """Django answers an unknown path with an HTML 404 and ninja a wrong method with
    a plain-text 405; turn both into the API's JSON error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = JsonResponse(
                {"message": MESSAGES[response.status_code]}, status=response.status_code
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response


# Statuses whose page is shown inside the site's layout (menu, name, ways back). The
# others (a lost database, an oversized or unreadable body) keep the bare page.
IN_LAYOUT = {403, 404, 500}


def _back_url(request) -> str:
    """The page the user came from, when it is one of ours (never another site)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def failure_response(request, failure: Failure) -> HttpResponse:
    """JSON in the API's error shape under /api/, else the Indonesian error page
    `<status>.html`: inside the site's layout for 403/404/500, bare otherwise. The bare
    page renders without the request context (with the database down a context
    processor, the user or the notifications, would fail again); so does any page whose
    layout fails to render."""
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"message": failure.message}, status=failure.status)
    else:
        template = f"{failure.status}.html"
        html = None
        if failure.status in IN_LAYOUT:
            context = {
                "message": failure.message,
                "error_base": "error_in_layout.html",
                "back_url": _back_url(request),
            }
            try:
                html = loader.render_to_string(template, context, request=request)
            except Exception:  # the layout itself is broken: the bare page still answers
                logger.warning("Error page %s rendered without the layout", failure.status)
        if html is None:
            html = loader.render_to_string(template, {"message": failure.message})
        response = HttpResponse(html, status=failure.status)
    if failure.retry_after is not None:
        response["Retry-After"] = str(failure.retry_after)
    return response


class DatabaseUnavailableMiddleware:
    """A view that loses the database (OperationalError / InterfaceError) answers 503
    with Retry-After, in JSON under /api/ and as an Indonesian page elsewhere, with one
    log line instead of a traceback per request. Errors raised by other middleware
    (the session or the user loaded before the view) reach `pilar.core.views.
    server_error`, which answers the same. The API's own handler (pilar/api.py) does
    the same for errors inside django-ninja. With CONN_HEALTH_CHECKS the next request
    after the outage opens a fresh connection instead of failing on the stale one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning(
            "Database unavailable on %s %s: %s", request.method, request.path, one_line(exception)
        )
        failure = classify(exception)
        assert failure is not None
        return failure_response(request, failure)
