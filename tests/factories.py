from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.utils import timezone

from incidents.models import Incident


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    source = "test-cad"
    external_id = factory.Sequence(lambda n: f"CAD-{n:06d}")
    call_type = "SHOTS FIRED"
    priority = 1
    received_at = factory.LazyFunction(timezone.now)
    address = "100 N MAIN ST"
    location = factory.LazyFunction(lambda: Point(-87.95, 43.05, srid=4326))
    district = "3"


class CameraFactory(factory.django.DjangoModelFactory):
    """An approved city camera in Milwaukee looking north; override what a test is about."""

    class Meta:
        model = "cameras.Camera"

    reference = factory.Sequence(lambda n: f"CAM-T{n:07d}")
    name = factory.Sequence(lambda n: f"Test camera {n}")
    owner_name = "City of Milwaukee"
    owner_type = "city"
    contact_name = "Pat Owner"
    contact_phone = "414-555-0100"
    contact_email = "owner@example.org"
    address = "100 N MAIN ST"
    location = factory.LazyFunction(lambda: Point(-87.95, 43.05, srid=4326))
    heading = 0.0
    fov = 90.0
    range_m = 100.0
    tier = "footage"
    status = "approved"
    retention_days = 30
