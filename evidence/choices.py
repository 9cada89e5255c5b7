from __future__ import annotations

from django.db import models


class EvidenceKind(models.TextChoices):
    VIDEO = "video", "Video"
    IMAGE = "image", "Image"
    DOCUMENT = "document", "Document"
    EXPORT = "export", "Export"
    OTHER = "other", "Other"


class CustodyAction(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    VIEWED = "viewed", "Viewed"
    DOWNLOADED = "downloaded", "Downloaded"
    EXPORTED = "exported", "Exported"
    TRANSFERRED = "transferred", "Transferred"
    INTEGRITY_CHECKED = "integrity_checked", "Integrity checked"
    HOLD_SET = "hold_set", "Legal hold set"
    HOLD_RELEASED = "hold_released", "Legal hold released"


# Actions that take a file (or a copy of it) out of the system: the "why" is required.
REASON_REQUIRED = frozenset({CustodyAction.DOWNLOADED, CustodyAction.EXPORTED, CustodyAction.TRANSFERRED})
