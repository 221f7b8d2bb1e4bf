"""Fixtures of the simulation's own tests: the organization around the default fleet, built once per run."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from bot.sim.fleet import Fleet
from bot.sim.moto import shared_endpoint
from bot.sim.organization import Organization, build_organization
from tests.conftest import NOW


@pytest.fixture(scope="session")
def default_organization(default_fleet: Fleet) -> Organization:
    """Built once per test run around a copy of the default fleet; tests get copies (`organization`)."""
    return build_organization(default_fleet.copy(), now=NOW)


@pytest.fixture
def organization(default_organization: Organization) -> Organization:
    return default_organization.copy()


def moto_client(service: str) -> Any:
    """A client of the process's moto server with moto's default account's keys."""
    make: Any = boto3.client  # one helper for every service: the typed overloads want a literal name
    return make(
        service,
        endpoint_url=shared_endpoint(),
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
