"""The workspace fixture: a whole local Slack workspace and AWS account with pkgwhen running in it.

A test asks for `workspace` and types commands as a person would:

    answer = workspace.command("/pkgwhen", "i-0abc openssl")
    assert "upgraded" in answer.last.plain()

Options per test: `@pytest.mark.workspace(env={...}, faults=Faults(...), fleet=callable, pacer=callable)`.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sim.default_fleet import build_default_fleet
from bot.sim.fleet import Fleet
from bot.sim.workspace import SimWorkspace

# The default fleet is built relative to "now"; tests pin it so their expectations are stable.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "workspace(env=None, faults=None, fleet=None, cold=False, pacer=None): options of the workspace fixture "
        "(cold: pkgwhen has read no history yet; pacer: makes the history reader's pacer, e.g. on a virtual clock)",
    )
    config.addinivalue_line(
        "markers",
        "slow: starts processes or builds environments (seconds each); CI runs them, "
        "`pytest -m 'not slow'` skips them while working",
    )


@pytest.fixture(scope="session")
def default_fleet() -> Fleet:
    """Built once per test run; tests get copies (`fleet`), so none sees another's changes."""
    return build_default_fleet(now=NOW)


@pytest.fixture
def fleet(default_fleet: Fleet) -> Fleet:
    return default_fleet.copy()


@pytest.fixture(scope="session")
def read_history(default_fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pkgwhen's history index after one question about every server of the default fleet.

    Most tests ask about servers whose history pkgwhen has read before, as it has in production after the
    first question; they start from a copy of this. Tests of first reads say `workspace(cold=True)`.

    Reading the whole fleet takes seconds of CPU: the run's test processes (pytest-xdist workers) share one
    copy, made by whichever needs it first while the others wait for it (the default fleet is the same in
    each: it is built from `NOW`).
    """
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base is a directory of the run's own one, which they all share.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    state = shared / "read-history"
    with open(shared / "read-history.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not state.exists():
            partial = Path(tempfile.mkdtemp(prefix="read-history-", dir=shared))
            with SimWorkspace(default_fleet.copy(), state_dir=partial) as ws:
                assert ws.services is not None
                for node in default_fleet.nodes():
                    if node.items:
                        ws.services.history.read(node.node_id)
                        ws.services.history.read_spans(ws.services.server(node.node_id), ws.services.store)
            # Whole or not at all: a worker that sees the directory sees every file of it.
            partial.rename(state)
    return state


@pytest.fixture
def workspace(
    request: pytest.FixtureRequest, fleet: Fleet, tmp_path: Path, read_history: Path
) -> Iterator[SimWorkspace]:
    marker = request.node.get_closest_marker("workspace")
    options = dict(marker.kwargs) if marker else {}
    make_fleet = options.pop("fleet", None)
    make_pacer = options.pop("pacer", None)
    state_dir = tmp_path / "state"
    if make_fleet is None and not options.get("cold"):
        shutil.copytree(read_history, state_dir)
    with SimWorkspace(
        make_fleet() if make_fleet else fleet,
        env=options.get("env"),
        faults=options.get("faults"),
        state_dir=state_dir,
        settle_s=0.1,
        pacer=make_pacer() if make_pacer else None,
    ) as ws:
        yield ws
