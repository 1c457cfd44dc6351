"""Django admin for users, the security policy and API tokens."""

from __future__ import annotations

import pytest
from django.conf import settings

from pilar.accounts.choices import Role
from pilar.accounts.models import ApiToken, SecurityPolicy, User
from pilar.conftest import VILLAGE_A, make_user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_requires_staff(client, dinsos):
    client.force_login(dinsos)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert client.get("/admin/accounts/user/").status_code == 302


def test_user_changelist_filters_by_role(admin_client, psm_a, tksk_a):
    response = admin_client.get("/admin/accounts/user/?role=psm")
    assert response.status_code == 200
    users = list(response.context["cl"].result_list)
    assert users == [psm_a]


def test_user_form_offers_only_region_areas(admin_client, psm_a):
    response = admin_client.get(f"/admin/accounts/user/{psm_a.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    for field in ("role", "district", "village", "psks_worker", "organization"):
        assert field in form.fields
    districts = list(form.fields["district"].queryset)
    villages = form.fields["village"].queryset
    assert len(districts) == 13
    assert all(d.regency_id == settings.PILAR_REGION for d in districts)
    assert villages.count() == 104


def test_add_user_with_role_and_area(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "psm-baru",
            "password1": "kata-sandi-panjang-99",
            "password2": "kata-sandi-panjang-99",
            "usable_password": "true",
            "role": Role.PSM,
            "village": VILLAGE_A,
            "organization": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="psm-baru")
    assert user.role == Role.PSM
    assert user.village_id == VILLAGE_A
    assert user.district_id == VILLAGE_A[:8]  # filled from the kelurahan


def test_add_psm_without_village_is_refused(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "psm-tanpa-kel",
            "password1": "kata-sandi-panjang-99",
            "password2": "kata-sandi-panjang-99",
            "usable_password": "true",
            "role": Role.PSM,
        },
    )
    assert response.status_code == 200
    assert "PSM wajib memiliki kelurahan." in response.content.decode()
    assert not User.objects.filter(username="psm-tanpa-kel").exists()


def test_security_policy_is_one_editable_row(admin_client):
    response = admin_client.get("/admin/accounts/securitypolicy/")
    policy = SecurityPolicy.current()
    assert response.status_code == 302
    assert response.url.endswith(f"/admin/accounts/securitypolicy/{policy.pk}/change/")
    assert admin_client.get("/admin/accounts/securitypolicy/add/").status_code == 403
    response = admin_client.post(
        f"/admin/accounts/securitypolicy/{policy.pk}/change/",
        {"require_2fa_dinsos": "on"},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.require_2fa_dinsos and not policy.require_2fa_admin
    assert SecurityPolicy.objects.count() == 1


def test_api_tokens_read_only_with_revoke_action(admin_client, mitra):
    token, _key = ApiToken.issue(mitra, name="uji")
    other, _ = ApiToken.issue(make_user("mitra-2", Role.MITRA))
    response = admin_client.get("/admin/accounts/apitoken/")
    assert response.status_code == 200
    assert token.prefix in response.content.decode()
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
    response = admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk], "index": 0},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None
    assert other.revoked_at is None
