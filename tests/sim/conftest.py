"""Fixtures of the simulation's own tests: the organization around the default fleet, built once per run."""

from __future__ import annotations

import pytest

from bot.sim.fleet import Fleet
from bot.sim.organization import Organization, build_organization
from tests.conftest import NOW


@pytest.fixture(scope="session")
def default_organization(default_fleet: Fleet) -> Organization:
    """Built once per test run around a copy of the default fleet; tests get copies (`organization`)."""
    return build_organization(default_fleet.copy(), now=NOW)


@pytest.fixture
def organization(default_organization: Organization) -> Organization:
    return default_organization.copy()
