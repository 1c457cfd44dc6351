"""Row-history context for every request (who, which URL, a request id), and the
access-log entry for responses that carried full identity numbers."""

import uuid

from pghistory.middleware import HistoryMiddleware

from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core import disclosure


class HistoryContextMiddleware(HistoryMiddleware):
    def get_context(self, request):
        context = super().get_context(request)
        context["request_id"] = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        return context


class DisclosureLogMiddleware:
    """One access-log entry per response that carried full NIK / No. KK (an API list,
    a write's answer), unless the view logged the access itself: who, when, which
    endpoint and filter, how many numbers (UU PDP: every view is traceable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with disclosure.tracking() as state:
            response = self.get_response(request)
            if state.values and not state.logged and response.status_code < 400:
                log_access(
                    user=getattr(request, "user", None),
                    action=AccessAction.DISCLOSE_IDS,
                    object_type="api",
                    request=request,
                    extra={
                        "method": request.method,
                        "query": {k: request.GET.getlist(k) for k in request.GET},
                        "numbers": len(state.values),
                        "status": response.status_code,
                    },
                )
        return response
