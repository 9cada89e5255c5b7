from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from alerts.models import Alert
from analytics import demo_history as history
from analytics.rollups import refresh_rollups
from analytics.shift_reports import write_due_reports
from cameras.choices import CameraSource
from cameras.models import Camera, FootageRequest
from cases.models import Case, CaseLink, CaseLogEntry
from feeds.models import Feed
from incidents.models import Incident
from lpr.models import Hit, Hotlist, Reader
from rules.models import Rule
from shifts.hours import configured_shifts, window_of
from shifts.models import HandoverNote, ShiftSignOn
from shots.models import ShotsFired

NOTE_MARK = "[demo history]"
CONTRIBUTIONS = [
    ["footage_provided", "situational_awareness"],
    ["suspect_identified"],
    ["vehicle_located", "footage_provided"],
    ["situational_awareness"],
    ["victim_witness_located"],
    ["other"],
]
CASE_OUTCOMES = ["arrest", "no_outcome", "recovery", "unknown", "arrest", "missing_person_found", "no_outcome"]
CAD_DISPOSITIONS = ["actionable", "benign", "benign", "undetermined", "actionable"]
CAD_DISPOSITIONS += ["false_positive", "benign", "actionable", "undetermined", "benign"]
HIT_DISPOSITION = {"unverified": "undetermined", "actionable": "actionable", "rejected": "false_positive"}


class Command(BaseCommand):
    help = (
        "Seed ~60 days of demo history for the analytics dashboards (incidents, cases, footage requests, "
        "alerts, LPR reads and hits, shots fired, shift notes). Idempotent; --reset re-seeds. Demo data only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--csv", type=Path, default=Path(settings.BASE_DIR) / "demo" / "milwaukee_calls_2018-05-01_03.csv"
        )
        parser.add_argument("--days", type=int, default=60, help="Past local days to fill (yesterday backwards).")
        parser.add_argument("--max-incidents", type=int, default=40_000, help="Sample the calls down to this many.")
        parser.add_argument("--read-days", type=int, default=14, help="Most recent days that get LPR reads.")
        parser.add_argument("--reads-per-day", type=int, default=3000)
        parser.add_argument("--reset", action="store_true", help="Remove the demo history first, then seed again.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_analytics writes demo data: refused with DJANGO_DEBUG=0")
        for name, low in (("days", 1), ("max_incidents", 1), ("read_days", 0), ("reads_per_day", 0)):
            if options[name] < low:
                raise CommandError(f"--{name.replace('_', '-')}: must be at least {low}")
        users = get_user_model().objects.in_bulk(["analyst", "supervisor"], field_name="username")
        if len(users) != 2:
            raise CommandError("demo users 'analyst' and 'supervisor' are missing: run demo_setup first")
        self.analyst, self.supervisor = users["analyst"], users["supervisor"]
        started = time.monotonic()
        if options["reset"]:
            removed = history.reset_history()
            self.stdout.write(f"demo history removed: {removed} incidents and what hung on them")
        if Incident.objects.filter(source=history.SOURCE).exists():
            counts = {"incidents": 0}
            self.stdout.write("demo history already seeded: nothing added (use --reset to seed again)")
        else:
            today = timezone.localdate()
            days = [today - dt.timedelta(days=n) for n in range(options["days"], 0, -1)]
            plan = history.Plan(
                days=days,
                max_incidents=options["max_incidents"],
                read_days=min(options["read_days"], options["days"]),
                reads_per_day=options["reads_per_day"],
            )
            with transaction.atomic():
                counts = self.seed(plan, options["csv"])
        with transaction.atomic():
            counts["handover notes"] = self.seed_shifts(timezone.now())
        reports = write_due_reports()
        refresh_rollups(full=True)
        summary = ", ".join(f"{key} {value}" for key, value in counts.items())
        self.stdout.write(
            f"demo history: {summary}, shift reports written {len(reports)} in {time.monotonic() - started:.1f} s"
        )

    # --- seeding -------------------------------------------------------------------------------

    def seed(self, plan: history.Plan, csv_path: Path) -> dict[str, int]:
        incidents = Incident.objects.bulk_create(history.build_incidents(plan, csv_path), batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE incidents_incident SET created_at = received_at WHERE source = %s", [history.SOURCE])
        by_day: dict[dt.date, list[Incident]] = {}
        for incident in incidents:
            by_day.setdefault(timezone.localtime(incident.received_at).date(), []).append(incident)
        counts: dict[str, int] = {"incidents": len(incidents)}
        footage_incidents: set[int] = set()
        counts.update(self.seed_cases(plan, incidents, footage_incidents))
        alerts: list[Alert] = []
        counts["shots"] = self.seed_shots(plan, by_day, footage_incidents, alerts)
        counts.update(self.seed_lpr(plan, alerts))
        self.cad_and_rule_alerts(plan, by_day, alerts)
        Alert.objects.bulk_create(alerts, batch_size=1000)
        self.restore_times(Alert, alerts, "created_at")
        counts["alerts"] = len(alerts)
        counts["cameras spread"] = self.spread_cameras(plan)
        return counts

    def restore_times(self, model: Any, objects: list[Any], name: str) -> None:
        """bulk_create stamps auto_now_add fields with now: put the intended times (kept in `_at`) back."""
        for obj in objects:
            setattr(obj, name, obj._at)
        model.objects.bulk_update(objects, [name], batch_size=1000)

    def seed_cases(self, plan: history.Plan, incidents: list[Incident], footage_incidents: set[int]) -> dict[str, int]:
        """A case (with a link) for one incident in CASE_EVERY; footage requests on every second case,
        a camera-reviewed log entry on every third. Adds the incidents with a footage request to the set."""
        cameras = list(
            Camera.objects.filter(source=CameraSource.ADMIN, external_id__startswith="demo-", status="approved")
            .exclude(tier="register")
            .order_by("external_id")
        )
        chosen = incidents[:: history.CASE_EVERY]
        cases, links, requests, log = [], [], [], []
        for index, incident in enumerate(chosen):
            opened = plan.past(incident.received_at + dt.timedelta(minutes=4))
            old = opened < plan.now - dt.timedelta(days=7)
            case = Case(
                number=f"{history.CASE_PREFIX}{index + 1:06d}",
                title=f"{incident.call_type.title()} — {incident.address.title()}"[:200],
                summary="Demo history case.",
                status="closed" if old else "open",
                lead=self.analyst,
                created_by=self.analyst,
                contributions=CONTRIBUTIONS[index % len(CONTRIBUTIONS)],
                outcome=CASE_OUTCOMES[index % len(CASE_OUTCOMES)],
                external_numbers=[f"MPD-{incident.external_id}"],
            )
            if old:
                case.submitted_at = opened + dt.timedelta(days=1)
                case.approved_by, case.approved_at = self.supervisor, opened + dt.timedelta(days=2)
                case.closed_at = opened + dt.timedelta(days=3)
            case._at = opened  # type: ignore[attr-defined]
            cases.append(case)
        Case.objects.bulk_create(cases, batch_size=1000)
        self.restore_times(Case, cases, "created_at")
        for index, (case, incident) in enumerate(zip(cases, chosen, strict=True)):
            link = CaseLink(
                case=case,
                kind="incident",
                object_id=incident.pk,
                label=f"{incident.call_type} · {incident.address}"[:200],
                added_by=self.analyst,
            )
            link._at = case._at  # type: ignore[attr-defined]
            links.append(link)
            key = incident.external_id
            if cameras and index % 2 == 0:
                asked = plan.past(incident.received_at + dt.timedelta(seconds=history.stable_seconds(key, 120, 900)))
                fulfilled = index % 6 != 2
                request = FootageRequest(
                    camera=cameras[index % len(cameras)],
                    incident=incident,
                    window_start=incident.received_at - dt.timedelta(minutes=10),
                    window_end=incident.received_at + dt.timedelta(minutes=20),
                    reason=f"Demo history: {incident.call_type.title()} at {incident.address.title()}"[:500],
                    case_number=case.number,
                    status="fulfilled" if fulfilled else "declined",
                    requested_by=self.analyst,
                    closed_by=self.analyst,
                    closed_at=plan.past(asked + dt.timedelta(hours=5)),
                    response_note="Clip received" if fulfilled else "Camera was not recording",
                )
                request._at = asked  # type: ignore[attr-defined]
                requests.append(request)
            if cameras and index % 3 == 0:
                seen = plan.past(incident.received_at + dt.timedelta(seconds=history.stable_seconds(key, 60, 600)))
                camera = cameras[(index + 1) % len(cameras)]
                log.append(
                    CaseLogEntry(
                        case=case,
                        kind="camera_reviewed",
                        text=f"Reviewed {camera.name} live for the call.",
                        author=self.analyst,
                        action_at=seen,
                        recorded_at=plan.past(seen + dt.timedelta(minutes=5)),
                    )
                )
        CaseLink.objects.bulk_create(links, batch_size=1000)
        self.restore_times(CaseLink, links, "added_at")
        FootageRequest.objects.bulk_create(requests, batch_size=1000)
        self.restore_times(FootageRequest, requests, "requested_at")
        CaseLogEntry.objects.bulk_create(log, batch_size=1000)
        footage_incidents.update(r.incident_id for r in requests if r.incident_id is not None)
        return {"cases": len(cases), "footage requests": len(requests), "camera reviews": len(log)}

    def alert(
        self, plan: history.Plan, *, type: str, key: str, at: dt.datetime, title: str, disposition: str, **extra: Any
    ) -> Alert:
        """An alert created at `at`, acknowledged 30 s to 10 min later, resolved with `disposition` ('' = open)."""
        context = {"demo_history": True, **extra.pop("context", {})}
        alert = Alert(type=type, source_key=key, title=title[:200], streams=["ops"], context=context, **extra)
        at = plan.past(at)
        alert._at = at  # type: ignore[attr-defined]
        if disposition == "system":
            alert.status, alert.disposition, alert.resolved_at = (
                "resolved",
                "system",
                plan.past(at + dt.timedelta(minutes=3)),
            )
            return alert
        alert.acknowledged_by = self.supervisor if history.stable_seconds(key + "/ack", 0, 4) == 0 else self.analyst
        alert.acknowledged_at = plan.past(at + dt.timedelta(seconds=history.stable_seconds(key, 30, 600)))
        alert.status = "acknowledged"
        if disposition:
            alert.status, alert.disposition = "resolved", disposition
            alert.resolved_by = self.supervisor if zlib_even(key) else self.analyst
            spent = history.stable_seconds(key + "/resolve", 120, 3600)
            alert.resolved_at = plan.past(alert.acknowledged_at + dt.timedelta(seconds=spent))
        return alert

    def cad_and_rule_alerts(
        self, plan: history.Plan, by_day: dict[dt.date, list[Incident]], alerts: list[Alert]
    ) -> None:
        rules = list(Rule.objects.order_by("pk")[:2])
        last_day = plan.days[-1]
        for day in plan.days:
            ranked = sorted(by_day.get(day, []), key=lambda i: (i.priority, i.received_at))
            for k, incident in enumerate(ranked[: history.PER_DAY_CAD_ALERTS]):
                disposition = CAD_DISPOSITIONS[k] if not (day == last_day and k % 4 == 0) else ""
                alerts.append(
                    self.alert(
                        plan,
                        type="cad_call",
                        key=f"incident:{incident.pk}",
                        at=incident.received_at + dt.timedelta(seconds=5),
                        title=f"P{incident.priority} {incident.call_type} · {incident.address}",
                        disposition=disposition,
                        priority=min(max(incident.priority, 1), 5),
                        location=incident.location,
                    )
                )
            if not rules:
                continue
            start = history.PER_DAY_CAD_ALERTS
            for k, incident in enumerate(ranked[start : start + history.PER_DAY_RULE_ALERTS]):
                rule = rules[(k + day.toordinal()) % len(rules)]
                alerts.append(
                    self.alert(
                        plan,
                        type="rule_match",
                        key=f"rule:{rule.pk}:incident:{incident.pk}",
                        at=incident.received_at + dt.timedelta(seconds=8),
                        title=f"{rule.name}: {incident.call_type}",
                        disposition=["actionable", "benign", "false_positive"][k],
                        priority=2,
                        location=incident.location,
                        context={"rule": {"id": rule.pk, "name": rule.name}, "source": f"incident:{incident.pk}"},
                    )
                )

    def seed_shots(
        self,
        plan: history.Plan,
        by_day: dict[dt.date, list[Incident]],
        footage_incidents: set[int],
        alerts: list[Alert],
    ) -> int:
        """PER_DAY_SHOTS detections a day: the first linked to an incident of the day, the second not."""
        shots = []
        for day in plan.days:
            located = [i for i in by_day.get(day, []) if i.location is not None]
            if len(located) < 2:
                continue
            # The linked detection's call became a case with a footage request when the day has one.
            requested = [i for i in located if i.pk in footage_incidents]
            first = requested[0] if requested else located[len(located) // 3]
            second = next(i for i in (located[2 * len(located) // 3], located[len(located) // 3]) if i.pk != first.pk)
            for n, incident in enumerate([first, second]):
                linked = n == 0
                shot = ShotsFired(
                    source=history.SOURCE,
                    external_id=f"{day:%Y%m%d}-{n}",
                    detected_at=incident.received_at - dt.timedelta(seconds=40 if linked else -900),
                    location=incident.location,
                    rounds=3 + n * 2,
                    detection_type="multiple" if linked else "single",
                    confidence=0.93 if linked else 0.71,
                    review_status="confirmed" if linked else ("not_gunfire" if day.toordinal() % 2 else "pending"),
                    address=incident.address,
                    district=incident.district,
                    incident=incident if linked else None,
                )
                shot.detected_at = plan.past(shot.detected_at)
                shot._at = shot.detected_at  # type: ignore[attr-defined]
                shots.append(shot)
        ShotsFired.objects.bulk_create(shots, batch_size=1000)
        self.restore_times(ShotsFired, shots, "created_at")
        for shot in shots:
            disposition = {"confirmed": "actionable", "not_gunfire": "system", "pending": "undetermined"}
            alerts.append(
                self.alert(
                    plan,
                    type="shots_fired",
                    key=f"shots:{shot.pk}",
                    at=shot.detected_at + dt.timedelta(seconds=20),
                    title=f"Shots fired · {shot.address}",
                    disposition=disposition[shot.review_status],
                    priority=1,
                    location=shot.location,
                )
            )
        return len(shots)

    def seed_lpr(self, plan: history.Plan, alerts: list[Alert]) -> dict[str, int]:
        hotlist = Hotlist.objects.filter(name="Stolen vehicles (demo)").first()
        feed = Feed.objects.filter(slug="demo-lpr").first()
        if hotlist is None or feed is None or not hotlist.entries.exists():
            self.stderr.write("no demo hotlist or LPR feed (run demo_lpr first): no reads or hits")
            return {"reads": 0, "hits": 0}
        readers = list(Reader.objects.filter(feed=feed).order_by("external_id"))
        entries = list(hotlist.entries.order_by("pk"))
        plates = {
            day: [entries[(day.toordinal() + n) % len(entries)].plate for n in range(history.PER_DAY_HITS)]
            for day in plan.days
        }
        hit_reads = history.insert_reads(plan, feed.pk, readers, plates)
        hits = history.build_hits(plan, hotlist, readers, self.analyst, hit_reads)
        for hit in hits:
            hit._at = hit.created_at  # type: ignore[attr-defined]
        Hit.objects.bulk_create(hits, batch_size=1000)
        self.restore_times(Hit, hits, "created_at")
        last_day = plan.days[-1]
        for hit in hits:
            open_one = hit.status == "unverified" and timezone.localtime(hit.read_at).date() == last_day
            alerts.append(
                self.alert(
                    plan,
                    type="lpr_hit",
                    key=f"lpr_hit:{hit.pk}",
                    at=hit._at,  # type: ignore[attr-defined]
                    title=f"LPR hit {hit.plate} · {hotlist.name}",
                    disposition="" if open_one else HIT_DISPOSITION[hit.status],
                    priority=min(max(hit.priority, 1), 5),
                    location=hit.location,
                    context={"hit_id": hit.pk, "plate": hit.plate, "retroactive": False},
                )
            )
        reads = len(plan.days[-plan.read_days :]) * plan.reads_per_day if plan.read_days and readers else 0
        return {"reads": reads, "hits": len(hits)}

    def spread_cameras(self, plan: history.Plan) -> int:
        """The demo cameras were all registered at demo_cameras time: spread them over the past months."""
        cameras = list(Camera.objects.filter(source=CameraSource.ADMIN, external_id__startswith="demo-"))
        cameras.sort(key=lambda c: c.external_id)
        for index, camera in enumerate(cameras):
            camera.created_at = plan.now - dt.timedelta(days=180 - index * 170 // max(len(cameras), 1), hours=index)
        Camera.objects.bulk_update(cameras, ["created_at"])
        return len(cameras)

    def seed_shifts(self, now: dt.datetime) -> int:
        """Both demo users signed on for every shift that ended in the last three days, with a handover note
        (shifts that already have a demo note are skipped)."""
        done = set(HandoverNote.objects.filter(text__startswith=NOTE_MARK).values_list("shift_date", "shift"))
        notes, sign_ons = [], []
        for offset in range(3, -1, -1):
            day = timezone.localdate(now) - dt.timedelta(days=offset)
            for definition in configured_shifts():
                window = window_of(definition, day)
                too_old = window.ends_at < now - dt.timedelta(days=3)
                if window.ends_at > now or too_old or (window.date, window.name) in done:
                    continue
                for user in (self.analyst, self.supervisor):
                    sign_ons.append(
                        ShiftSignOn(
                            user=user,
                            shift_date=window.date,
                            shift=window.name,
                            signed_on_at=window.starts_at,
                            signed_off_at=window.ends_at,
                        )
                    )
                notes.append(
                    HandoverNote(
                        shift_date=window.date,
                        shift=window.name,
                        author=self.analyst,
                        text=f"{NOTE_MARK} Quiet {window.name.lower()} shift; two footage requests still open.",
                        open_items="Footage from the corner store on W Burleigh St.",
                        watch_items="Stolen silver Honda Civic seen twice near N 27th St.",
                        created_at=window.ends_at - dt.timedelta(minutes=10),
                    )
                )
        ShiftSignOn.objects.bulk_create(sign_ons)
        HandoverNote.objects.bulk_create(notes)
        return len(notes)


def zlib_even(key: str) -> bool:
    return history.stable_seconds(key, 0, 1) == 0
