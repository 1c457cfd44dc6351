from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Pilar · Administrasi"
admin.site.site_title = "Pilar"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Each app adds its own include below (one line each).
]
