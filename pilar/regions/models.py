"""Indonesia's administrative hierarchy with Kemendagri codes (idn-area-data, ODbL).

Loaded once by migration from the shipped CSV files; never edited by users.
The deployment's regency (settings.PILAR_REGION) selects which districts
(kecamatan) and villages (kelurahan/desa) users and data belong to.
"""

from django.db import models


class Province(models.Model):
    """A province (provinsi), e.g. 36 Banten."""

    code = models.CharField("kode", max_length=2, primary_key=True)
    name = models.CharField("nama", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "provinsi"
        verbose_name_plural = "provinsi"

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    """A regency or city (kabupaten/kota), e.g. 36.71 Kota Tangerang."""

    code = models.CharField("kode", max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField("nama", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "kabupaten/kota"
        verbose_name_plural = "kabupaten/kota"

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A district (kecamatan), e.g. 36.71.01 Tangerang."""

    code = models.CharField("kode", max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField("nama", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"

    def __str__(self) -> str:
        return self.name

    def history_label(self) -> str:
        """How a timeline names this kelurahan (pilar.audit.history)."""
        return f"Kel. {self.name}"

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")


class Village(models.Model):
    """A village (kelurahan or desa), e.g. 36.71.01.1001."""

    code = models.CharField("kode", max_length=13, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField("nama", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "kelurahan/desa"
        verbose_name_plural = "kelurahan/desa"
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def history_label(self) -> str:
        """How a timeline names this kelurahan (pilar.audit.history)."""
        return f"Kel. {self.name}"

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")
