"""The workspace fixture: a whole local Slack workspace and AWS account with pkgwhen running in it.

A test asks for `workspace` and types commands as a person would:

    answer = workspace.command("/pkgwhen", "i-0abc openssl")
    assert "upgraded" in answer.last.plain()

Options per test: `@pytest.mark.workspace(env={...}, faults=Faults(...), fleet=callable)`.
"""

from __future__ import annotations

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
        "markers", "workspace(env=None, faults=None, fleet=None): options of the workspace fixture"
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


@pytest.fixture
def workspace(request: pytest.FixtureRequest, fleet: Fleet, tmp_path: Path) -> Iterator[SimWorkspace]:
    marker = request.node.get_closest_marker("workspace")
    options = dict(marker.kwargs) if marker else {}
    make_fleet = options.pop("fleet", None)
    with SimWorkspace(
        make_fleet() if make_fleet else fleet,
        env=options.get("env"),
        faults=options.get("faults"),
        state_dir=tmp_path / "state",
        settle_s=0.1,
    ) as ws:
        yield ws
