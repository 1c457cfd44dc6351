"""Users are deactivated, never deleted, so the trail keeps its "who"; role and area
changes are row history."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from pilar.accounts.choices import Role
from pilar.accounts.models import ApiToken, User
from pilar.conftest import VILLAGE_A, VILLAGE_B

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


def test_admin_offers_deactivation_not_deletion(client, admin_user, psm_a):
    _, key = ApiToken.issue(psm_a)
    client.force_login(admin_user)
    page = client.get(CHANGELIST).content.decode()
    assert "delete_selected" not in page
    assert 'value="deactivate"' in page
    assert client.get(f"{CHANGELIST}{psm_a.pk}/delete/").status_code == 403
    response = client.post(
        CHANGELIST, {"action": "deactivate", "_selected_action": [psm_a.pk]}, follow=True
    )
    assert "1 pengguna dinonaktifkan" in response.content.decode()
    psm_a.refresh_from_db()
    assert not psm_a.is_active
    assert ApiToken.objects.get(user=psm_a).revoked_at is not None
    assert User.objects.filter(pk=psm_a.pk).exists()


def test_database_refuses_to_delete_a_user(psm_a):
    with pytest.raises(DatabaseError, match="Jejak audit"):
        with transaction.atomic():
            User.objects.filter(pk=psm_a.pk)._raw_delete(using="default")  # type: ignore[attr-defined]
    assert User.objects.filter(pk=psm_a.pk).exists()


def test_role_and_area_changes_are_history(client, admin_user, psm_a):
    events = User.pgh_event_model.objects.filter(pgh_obj_id=psm_a.pk)  # type: ignore[attr-defined]
    assert list(events.values_list("pgh_label", flat=True)) == ["insert"]
    # A login (last_login) or a password change is not a change of rights.
    psm_a.set_password("baru-rahasia-456")
    psm_a.save()
    assert events.count() == 1

    client.force_login(admin_user)
    response = client.post(
        f"{CHANGELIST}{psm_a.pk}/change/",
        {
            "username": "psm-a",
            "role": Role.PSM,
            "village": VILLAGE_B,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = events.order_by("-pgh_id").first()
    assert change.pgh_label == "update"
    assert change.village_id == VILLAGE_B
    assert change.pgh_context.metadata["user"] == admin_user.pk
    assert not hasattr(change, "password")
    assert events.order_by("pgh_id").first().village_id == VILLAGE_A
