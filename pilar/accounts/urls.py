from django.urls import path

from pilar.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.PilarLoginView.as_view(), name="login"),
    path("keluar/", views.PilarLogoutView.as_view(), name="logout"),
    path("2fa/aktifkan/", views.otp_setup, name="otp_setup"),
    path("2fa/verifikasi/", views.otp_verify, name="otp_verify"),
]
