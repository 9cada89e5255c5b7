from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from cameras.models import Camera
from rtcc.crypto import reencrypt_text


class Command(BaseCommand):
    help = (
        "Re-encrypt stored camera stream credentials under the first key of RTCC_FIELD_ENCRYPTION_KEYS "
        "(after prepending a new key); afterwards the old key can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        with transaction.atomic():
            for camera in Camera.objects.select_for_update().exclude(stream_credentials_encrypted=""):
                camera.stream_credentials_encrypted = reencrypt_text(camera.stream_credentials_encrypted)
                Camera.objects.filter(pk=camera.pk).update(
                    stream_credentials_encrypted=camera.stream_credentials_encrypted
                )
                count += 1
        self.stdout.write(f"re-encrypted the credentials of {count} cameras")
