"""Row-history context for every request: who, which URL, a request id."""

import uuid

from pghistory.middleware import HistoryMiddleware


class HistoryContextMiddleware(HistoryMiddleware):
    def get_context(self, request):
        context = super().get_context(request)
        context["request_id"] = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        return context
