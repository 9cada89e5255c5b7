"""Run every benchmark under bench/ and write bench/results/latest.{json,md}."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ["cad_ingest", "cameras_nearby", "lpr_ingest", "rules_eval"]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    results = []
    for name in BENCHMARKS:
        output = (
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / f"{name}.py")],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        results.append(json.loads(output))
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(), "results": results}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [f"# Benchmarks {report['date']}", "", f"Machine: {report['machine']}", ""]
    for result in results:
        lines.append(f"## {result['id']}\n\n{result['what']}\n")
        lines += [f"- {key}: {value}" for key, value in result.items() if key not in {"id", "what"}]
        lines.append("")
    (out / "latest.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
