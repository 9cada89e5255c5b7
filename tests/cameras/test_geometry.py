"""View-cone geometry: who sees a point, distances and bearings in metres on the spheroid.

Expected offsets are hand-computed from the series for the length of a degree on WGS 84
(metres per degree of latitude and of longitude at latitude φ), independent of PostGIS.
"""

from __future__ import annotations

import math

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from cameras.geometry import angle_between, view_cone
from cameras.selectors import cameras_nearby
from tests.factories import CameraFactory

LATITUDES = [43.05, 60.0]  # Milwaukee, and far enough north that degrees of longitude shrink by half


def metres_per_degree(lat: float) -> tuple[float, float]:
    phi = math.radians(lat)
    per_lat = 111132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    per_lon = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi) + 0.118 * math.cos(5 * phi)
    return per_lat, per_lon


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    per_lat, per_lon = metres_per_degree(lat)
    return lat + north_m / per_lat, lon + east_m / per_lon


def projected(lat: float, lon: float, bearing: float, distance_m: float) -> tuple[float, float]:
    """A point at an exact geodesic bearing and distance (PostGIS ST_Project on the spheroid)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Y(p::geometry), ST_X(p::geometry) FROM "
            "(SELECT ST_Project(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, radians(%s)) AS p) q",
            [lon, lat, distance_m, bearing],
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0], row[1]


def look(camera_lat: float, camera_lon: float, lat: float, lon: float, user, radius: float = 1000):  # type: ignore[no-untyped-def]
    found = cameras_nearby(user=user, lat=lat, lon=lon, radius_m=radius)
    assert len(found) == 1, found
    return found[0]


def camera_at(lat: float, lon: float, **fields):  # type: ignore[no-untyped-def]
    return CameraFactory(location=Point(lon, lat, srid=4326), **fields)


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lat0", LATITUDES)
def test_point_straight_ahead_within_range_is_seen_at_the_hand_computed_distance(analyst, lat0: float) -> None:
    lon0 = -87.95
    camera_at(lat0, lon0, heading=0, fov=90, range_m=100)
    lat, lon = offset(lat0, lon0, north_m=50, east_m=0)
    hit = look(lat0, lon0, lat, lon, analyst)
    assert hit.sees_point is True
    assert hit.distance_m == pytest.approx(50, rel=1e-3)
    assert hit.bearing_from_camera == pytest.approx(0, abs=0.01)


@pytest.mark.parametrize("lat0", LATITUDES)
def test_point_behind_the_camera_is_not_seen(analyst, lat0: float) -> None:
    camera_at(lat0, -87.95, heading=0, fov=90, range_m=100)
    lat, lon = offset(lat0, -87.95, north_m=-50, east_m=0)
    hit = look(lat0, -87.95, lat, lon, analyst)
    assert hit.sees_point is False
    assert hit.bearing_from_camera == pytest.approx(180, abs=0.01)
    assert hit.distance_m == pytest.approx(50, rel=1e-3)


@pytest.mark.parametrize("lat0", LATITUDES)
def test_east_offset_distance_matches_the_length_of_a_degree_of_longitude(analyst, lat0: float) -> None:
    camera_at(lat0, -87.95, heading=90, fov=30, range_m=1500)
    lat, lon = offset(lat0, -87.95, north_m=0, east_m=1000)
    hit = look(lat0, -87.95, lat, lon, analyst, radius=2000)
    assert hit.distance_m == pytest.approx(1000, rel=1e-3)
    assert hit.sees_point is True


def test_point_ahead_but_beyond_range_is_not_seen(analyst) -> None:
    camera_at(43.05, -87.95, heading=0, fov=90, range_m=100)
    lat, lon = offset(43.05, -87.95, north_m=120, east_m=0)
    assert look(43.05, -87.95, lat, lon, analyst).sees_point is False


@pytest.mark.parametrize(
    ("bearing", "sees"), [(45.0, True), (-45.0, True), (44.5, True), (45.5, False), (-45.5, False)]
)
def test_the_cone_edge_is_inside_and_just_beyond_it_is_outside(analyst, bearing: float, sees: bool) -> None:
    camera_at(43.05, -87.95, heading=0, fov=90, range_m=100)
    lat, lon = projected(43.05, -87.95, bearing % 360, 60)
    assert look(43.05, -87.95, lat, lon, analyst).sees_point is sees


@pytest.mark.parametrize(
    ("heading", "bearing", "sees"),
    [(350, 5, True), (350, 335, True), (350, 25, False), (10, 355, True), (10, 345, False), (0, 359.5, True)],
)
def test_cones_work_across_the_north_wrap(analyst, heading: float, bearing: float, sees: bool) -> None:
    camera_at(43.05, -87.95, heading=heading, fov=40, range_m=100)
    lat, lon = projected(43.05, -87.95, bearing, 60)
    assert look(43.05, -87.95, lat, lon, analyst).sees_point is sees


@pytest.mark.parametrize("bearing", [0, 90, 180, 270, 333])
def test_a_360_degree_camera_sees_every_direction_within_range(analyst, bearing: float) -> None:
    camera_at(43.05, -87.95, heading=None, fov=360, range_m=80)
    lat, lon = projected(43.05, -87.95, bearing, 70)
    assert look(43.05, -87.95, lat, lon, analyst).sees_point is True


def test_a_360_degree_camera_does_not_see_beyond_its_range(analyst) -> None:
    camera_at(43.05, -87.95, heading=None, fov=360, range_m=80)
    lat, lon = projected(43.05, -87.95, 200, 90)
    assert look(43.05, -87.95, lat, lon, analyst).sees_point is False


def test_unknown_direction_means_unknown_not_false(analyst) -> None:
    camera_at(43.05, -87.95, heading=None, fov=90, range_m=100)
    lat, lon = projected(43.05, -87.95, 10, 50)
    assert look(43.05, -87.95, lat, lon, analyst).sees_point is None


def _cone_area_m2(camera_id: int) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(view_cone::geography) FROM cameras_camera WHERE id = %s", [camera_id])
        row = cursor.fetchone()
    assert row is not None
    return float(row[0])


@pytest.mark.parametrize("lat0", LATITUDES)
def test_stored_cone_has_the_area_of_its_sector(lat0: float) -> None:
    sector = camera_at(lat0, -87.95, heading=45, fov=90, range_m=100)
    circle = camera_at(lat0, -87.95, heading=None, fov=360, range_m=100)
    # The arc is drawn with chords every few degrees, so the polygon is slightly smaller.
    assert _cone_area_m2(sector.pk) == pytest.approx(math.pi * 100**2 / 4, rel=0.01)
    assert _cone_area_m2(circle.pk) == pytest.approx(math.pi * 100**2, rel=0.01)


def test_cone_is_recomputed_when_heading_changes() -> None:
    camera = camera_at(43.05, -87.95, heading=0, fov=60, range_m=100)
    ahead = Point(*reversed(offset(43.05, -87.95, 50, 0)), srid=4326)
    east = Point(*reversed(offset(43.05, -87.95, 0, 50)), srid=4326)
    assert camera.view_cone.contains(ahead) and not camera.view_cone.contains(east)
    camera.heading = 90
    camera.save(update_fields=["heading"])
    camera.refresh_from_db()
    assert camera.view_cone.contains(east) and not camera.view_cone.contains(ahead)


def test_cone_polygon_is_none_without_a_direction_and_a_circle_at_360() -> None:
    location = Point(-87.95, 43.05, srid=4326)
    assert view_cone(location, None, 90, 50) is None
    circle = view_cone(location, None, 360, 50)
    assert circle is not None and circle.contains(location)


@pytest.mark.parametrize(
    ("a", "b", "expected"), [(350, 10, 20), (10, 350, 20), (0, 180, 180), (90, 90, 0), (359, 1, 2)]
)
def test_angle_between_directions_wraps_at_north(a: float, b: float, expected: float) -> None:
    assert angle_between(a, b) == pytest.approx(expected)
