"""The user's notifications (the bell): list, mark read, open. Other apps (cases)
write notifications too; these pages show them all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pilar.accounts.types import AuthedRequest
from pilar.submissions import actions
from pilar.submissions.models import Notification


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user).select_related("submission")
    paginator = Paginator(qs, 30)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/notifications.html",
        {"page": page, "items": list(page.object_list), "total": paginator.count},
    )


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    raw = request.POST.get("id")
    if raw:
        try:
            ids = [int(raw)]
        except ValueError:
            return HttpResponseBadRequest("ID notifikasi tidak valid.")
        actions.mark_read(acting_user=request.user, notification_ids=ids)
    else:
        n = actions.mark_read(acting_user=request.user)
        messages.info(request, f"{n} notifikasi ditandai sudah dibaca.")
    return redirect("submissions:notifications")


@login_required
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    actions.mark_read(acting_user=request.user, notification_ids=[item.pk])
    if item.url and url_has_allowed_host_and_scheme(
        item.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(item.url)
    return redirect("submissions:notifications")
