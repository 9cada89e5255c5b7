from __future__ import annotations

from django.contrib.gis.db import models


class District(models.Model):
    """A police district: imported from GeoJSON or derived as the union of its beats."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=100, blank=True)
    area = models.MultiPolygonField(srid=4326)  # GiST index (spatial_index defaults to True)
    source = models.CharField(max_length=200, help_text="File name, or 'derived from beats'.")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"District {self.code}"


class Beat(models.Model):
    """A police beat (patrol area); `district_code` names its District (which may not be imported)."""

    code = models.CharField(max_length=16, unique=True)
    district_code = models.CharField(max_length=16, blank=True, db_index=True)
    sector = models.CharField(max_length=16, blank=True)
    area = models.MultiPolygonField(srid=4326)
    source = models.CharField(max_length=200)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"Beat {self.code}"
