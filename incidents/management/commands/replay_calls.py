from __future__ import annotations

import heapq
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incidents.replay import STAGE_TIME_FIELD, Message, messages_for, read_milwaukee

BATCH_LIMIT = 500


class Command(BaseCommand):
    help = (
        "Replay a Milwaukee calls-for-service CSV through the real CAD ingest API at N-times speed. "
        "Times are rebased to the moment each message is sent unless --keep-times."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path)
        parser.add_argument("--speed", type=float, default=60.0, help="Simulated seconds per real second.")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Base URL of RTCC Ops.")
        parser.add_argument("--key", default="", help="Feed API key (or --key-file).")
        parser.add_argument("--key-file", type=Path, help="File holding the feed API key.")
        parser.add_argument("--limit", type=int, help="Only the first N calls.")
        parser.add_argument("--loop", action="store_true", help="Start again when done (CAD numbers get -L2, -L3…).")
        parser.add_argument("--keep-times", action="store_true", help="Send the source times unchanged.")
        parser.add_argument("--tick", type=float, default=0.5, help="Seconds between posts.")
        parser.add_argument("--suffix", default="", help="Appended to every CAD number (e.g. a run id).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["speed"] <= 0:
            raise CommandError("--speed: must be greater than 0")
        key = options["key"] or (options["key_file"].read_text().strip() if options["key_file"] else "")
        if not key:
            raise CommandError("--key or --key-file: a CAD feed API key is required")
        try:
            rows = read_milwaukee(options["csv"], limit=options["limit"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"csv: {exc}") from exc
        endpoint = options["url"].rstrip("/") + "/api/v1/ingest/cad/"
        session = requests.Session()
        session.headers["Authorization"] = f"Api-Key {key}"
        loop = 1
        while True:
            suffix = options["suffix"] + ("" if loop == 1 else f"-L{loop}")
            sent = self.replay(rows, suffix=suffix, session=session, endpoint=endpoint, options=options)
            self.stdout.write(f"replay pass {loop} done: {sent} messages")
            if not options["loop"]:
                return
            loop += 1

    def replay(
        self, rows: list[dict[str, str]], *, suffix: str, session: requests.Session, endpoint: str, options: Any
    ) -> int:
        queue: list[Message] = [m for row in rows for m in messages_for(row, suffix=suffix)]
        heapq.heapify(queue)
        if not queue:
            return 0
        sim_start = queue[0].due
        real_start = time.monotonic()
        received_at: dict[str, str] = {}
        sent = 0
        while queue:
            sim_now = sim_start + timedelta(seconds=(time.monotonic() - real_start) * options["speed"])
            due: list[Message] = []
            in_batch: set[str] = set()
            # One message per CAD number per batch (the API refuses duplicates inside a batch).
            while queue and queue[0].due <= sim_now and len(due) < BATCH_LIMIT and queue[0].external_id not in in_batch:
                message = heapq.heappop(queue)
                in_batch.add(message.external_id)
                due.append(message)
            if due:
                records = [self.stamp(m, received_at, keep_times=options["keep_times"]) for m in due]
                self.post(session, endpoint, records)
                sent += len(records)
            else:
                time.sleep(options["tick"])
        return sent

    @staticmethod
    def stamp(message: Message, received_at: dict[str, str], *, keep_times: bool) -> dict[str, Any]:
        when = message.due.isoformat() if keep_times else timezone.now().isoformat()
        if message.stage == "received":
            received_at[message.external_id] = when
        record = {**message.record, "received_at": received_at.get(message.external_id, when)}
        record[STAGE_TIME_FIELD[message.stage]] = when
        return record

    def post(self, session: requests.Session, endpoint: str, records: list[dict[str, Any]]) -> None:
        delay = 1.0
        while True:
            try:
                response = session.post(endpoint, json={"records": records}, timeout=15)
            except requests.RequestException as exc:
                self.stderr.write(f"ingest unreachable ({exc}); retrying in {delay:.0f} s")
            else:
                if response.status_code == 202:
                    return
                if response.status_code in (401, 403):
                    raise CommandError(f"--key: the server refused the feed key ({response.text[:200]})")
                if 400 <= response.status_code < 500:
                    # The server refused the batch for a reason a retry will not fix: report, move on.
                    self.stderr.write(f"batch refused ({response.status_code}): {response.text[:500]}")
                    return
                self.stderr.write(f"ingest answered {response.status_code}; retrying in {delay:.0f} s")
            time.sleep(delay)
            delay = min(delay * 2, 30)
