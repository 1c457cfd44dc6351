import pytest

from pilar.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.json() == {"message": "Alamat API tidak ditemukan."}


def test_wrong_method_is_json_405(client, dinsos):
    _, key = ApiToken.issue(dinsos)
    response = client.delete("/api/v1/households", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 405
    assert response.json()["message"].startswith("Metode HTTP")
    assert "GET" in response["Allow"]


def test_pages_keep_html_404(client, dinsos):
    client.force_login(dinsos)
    response = client.get("/keluarga/999999999/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
