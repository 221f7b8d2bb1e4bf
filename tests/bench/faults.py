"""Benchmark: the fault matrix — every row of tests/faults/ with its faults at full length.

Run: `.venv/bin/python -m tests.bench.faults`. Every test in tests/faults/ is a row (the alert worker's
`test_worker_*` and the Slack edge's `test_edge_*`), run against the stand-ins with
`PKGWHEN_FAULTS_FULL=1`: outages last as long as they were seen in production (AWS Config for 4 minutes,
Slack for 3, Slack's Retry-After of a minute) where CI shortens them. It prints one line per row — held,
or failed with the first line of why — and last `faults: N held, M failed`; it exits 1 when M is not 0.
A row that is skipped did not show that it holds: it counts as failed. `--short` keeps the CI lengths.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

FAULTS = Path(__file__).resolve().parents[1] / "faults"


@dataclass
class Row:
    name: str
    held: bool = True
    seconds: float = 0.0
    why: str = ""


class Matrix:
    """A pytest plugin that keeps each test's outcome as a row."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        row = self.rows.setdefault(report.nodeid, Row(_row_name(report.nodeid)))
        row.seconds += report.duration
        if report.failed or report.skipped:
            row.held = False
            text = report.longreprtext.strip().splitlines()
            row.why = row.why or ("skipped: " if report.skipped else "") + (text[-1] if text else report.outcome)


def _row_name(nodeid: str) -> str:
    path, _, test = nodeid.partition("::")
    area = Path(path).stem.removeprefix("test_")
    name, _, params = test.removeprefix("test_").partition("[")
    return f"{area}: {name.replace('_', ' ')}" + (f" [{params}" if params else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the CI lengths of every fault, not the full ones")
    parser.add_argument("-k", dest="select", default=None, help="only rows matching this pytest expression")
    args = parser.parse_args()
    if not args.short:
        os.environ["PKGWHEN_FAULTS_FULL"] = "1"
    matrix = Matrix()
    started = time.monotonic()
    # Rows with full-length outages take minutes each: the per-test timeout of CI does not apply.
    options = ["-q", "-p", "no:cacheprovider", "-o", "timeout=1200", "--no-header", "-rN", str(FAULTS)]
    if args.select:
        options += ["-k", args.select]
    pytest.main(options, plugins=[matrix])
    rows = list(matrix.rows.values())
    width = max((len(r.name) for r in rows), default=10)
    print(f"\n{'row':<{width}}  {'result':<6}  {'seconds':>7}")
    for row in rows:
        print(f"{row.name:<{width}}  {'held' if row.held else 'FAILED':<6}  {row.seconds:7.1f}" + (f"  {row.why}" if row.why else ""))
    failed = sum(1 for r in rows if not r.held)
    print(f"({'full' if not args.short else 'CI'}-length faults, {time.monotonic() - started:.0f} s)")
    print(f"faults: {len(rows) - failed} held, {failed} failed")
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
