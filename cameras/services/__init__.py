"""Writes for the camera registry; the modules are split by concern, the names are re-exported here."""

from cameras.services.footage import (
    footage_request_create,
    footage_request_decline,
    footage_request_fulfil,
    footage_requests_expire,
)
from cameras.services.health import camera_health_record, cameras_probe_all
from cameras.services.mou import cameras_check_mou
from cameras.services.registry import (
    camera_approve,
    camera_create,
    camera_reject,
    camera_retire,
    camera_submit_community,
    camera_update,
)

__all__ = [
    "camera_approve",
    "camera_create",
    "camera_health_record",
    "camera_reject",
    "camera_retire",
    "camera_submit_community",
    "camera_update",
    "cameras_check_mou",
    "cameras_probe_all",
    "footage_request_create",
    "footage_request_decline",
    "footage_request_fulfil",
    "footage_requests_expire",
]
