"""GET /api/v1/cases/<id>/packet/: the court packet ZIP (cases.read and evidence.read; audited)."""

from __future__ import annotations

import tempfile

from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request

from accounts.permissions import HasCapability
from accounts.roles import has_capability
from audit.services import audit_record
from cases import selectors
from cases.packet.bundle import build_packet
from rtcc.errors import PermissionDenied


class CasePacketApi(generics.GenericAPIView):
    """The case as a court packet: packet.pdf, the evidence files and MANIFEST.sha256, as a ZIP attachment.

    Needs cases.read and evidence.read. Each evidence file exported is a custody entry; the export is audited.
    """

    capability = "cases.read"
    permission_classes = [HasCapability]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_id: int) -> FileResponse:
        if not has_capability(request.user, "evidence.read"):
            raise PermissionDenied("Your role does not allow reading evidence.")
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        try:
            result = build_packet(case=case, user=request.user, out=spool)  # type: ignore[arg-type]
            with transaction.atomic():
                audit_record(
                    actor=request.user,  # type: ignore[arg-type]
                    action="case.packet_exported",
                    object_ref=f"case:{case.pk}",
                    purpose=f"court packet {case.number}",
                    case_number=case.number,
                    details={"files": len(result.files), "evidence_bytes": result.evidence_bytes},
                )
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        response = FileResponse(
            spool, as_attachment=True, filename=f"{case.number}-court-packet.zip", content_type="application/zip"
        )
        response["Cache-Control"] = "no-store"
        return response
