"""`manage.py audit_verify [--expect-head HASH]`: walk the audit hash chain, report the first broken link."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.chain import chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit 0 when intact, 1 when broken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            default="",
            help="A head hash written down earlier: it must still be in the chain, at its seq or later.",
        )
        parser.add_argument("--expect-seq", type=int, default=0, help="The seq the expected head hash was at.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = chain_verify()
        self.stdout.write(f"events: {report.count}")
        self.stdout.write(f"head: seq {report.head_seq} hash {report.head_hash}")
        failed = False
        if report.broken is not None:
            broken = report.broken
            self.stdout.write(f"BROKEN at seq {broken.seq} (id {broken.id}): " + "; ".join(broken.problems))
            failed = True
        else:
            self.stdout.write("chain intact")
        expected = options["expect_head"].strip().lower()
        if expected:
            from audit.selectors import event_hash_at

            seq = options["expect_seq"] or None
            found = event_hash_at(hash=expected, seq=seq)
            if found:
                self.stdout.write(f"expected head found in the chain at seq {found}")
            else:
                self.stdout.write("EXPECTED HEAD NOT FOUND: the chain was rewritten or truncated since it was noted")
                failed = True
        if failed:
            sys.exit(1)
