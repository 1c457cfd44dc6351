"""The logged reveal of a masked NIK / No. KK (UU PDP: each reveal says why and is
written to the access log). A POST, so no prefetch, crawler or browser history
reveals a number."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.identity import mask
from pilar.registry.models import Household, Person

MIN_REASON = 5

# kind in the URL -> (model, field, access-log action)
REVEALABLE: dict[str, tuple[Any, str, AccessAction]] = {
    "nik": (Person, "nik", AccessAction.REVEAL_NIK),
    "kk": (Household, "no_kk", AccessAction.REVEAL_KK),
}


@login_required
@require_POST
def reveal(request: AuthedRequest, kind: str, pk: int):
    """Answer the full number as an HTML fragment (htmx swaps it in) and log it.
    A POST, not a GET, so no prefetch, crawler or browser history reveals a number."""
    if kind not in REVEALABLE:
        raise Http404
    if not request.user.can_reveal_ids:
        raise PermissionDenied
    model, field, action = REVEALABLE[kind]
    obj = get_object_or_404(model.objects.restrict(request.user, "view"), pk=pk)
    value = getattr(obj, field)
    if not value:
        raise Http404
    # The reason is asked by the button (htmx's hx-prompt sends it as a header); a
    # plain form may post it as `reason`. UU PDP: each reveal must say why.
    prompt = request.headers.get("HX-Prompt", "")
    if request.headers.get("HX-Prompt-URI-AutoEncoded") == "true":
        prompt = unquote(prompt)  # htmx encodes a non-ASCII answer to fit in a header
    reason = " ".join((prompt or request.POST.get("reason", "")).split())
    if len(reason) < MIN_REASON:
        return render(
            request,
            "core/_id.html",
            {
                "kind": kind,
                "pk": pk,
                "masked": mask(value),
                "has_value": True,
                "can_reveal": True,
                "error": f"Tuliskan alasan membuka nomor ini (paling sedikit {MIN_REASON} huruf).",
            },
        )
    log_access(user=request.user, action=action, obj=obj, request=request, reason=reason)
    return render(request, "registry/_revealed.html", {"value": value, "kind": kind, "pk": pk})
