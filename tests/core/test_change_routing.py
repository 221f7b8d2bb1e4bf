"""Alert routing: the first matching rule decides, every condition must hold, mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.alerts.routing import RoutesError, load_routes

ROUTES = """
default_channel = "C0ALERTS"

[[route]]
name = "security patches"
channel = "C0SECURITY"
packages = ["openssl*", "kernel"]

[[route]]
channel = "C0PROD"
accounts = ["1111*"]
regions = ["eu-*"]
tags = { Environment = "prod*" }
"""


@pytest.fixture
def routes_file(tmp_path: Path) -> Path:
    path = tmp_path / "routes.toml"
    path.write_text(ROUTES)
    return path


@pytest.mark.parametrize(
    ("where", "tags", "packages", "channel"),
    [
        ("222222222222/us-east-1", {}, ["openssl-libs", "curl"], "C0SECURITY"),
        ("111111111111/eu-west-1", {"Environment": "Production"}, ["curl"], "C0PROD"),
        ("111111111111/eu-west-1", {"Environment": "staging"}, ["curl"], "C0ALERTS"),
        ("111111111111/us-east-1", {"Environment": "prod"}, ["curl"], "C0ALERTS"),
        ("333333333333/eu-west-1", {"Environment": "prod"}, ["curl"], "C0ALERTS"),
        ("111111111111/eu-west-1", {}, ["curl"], "C0ALERTS"),
    ],
)
def test_first_matching_rule_decides(
    routes_file: Path, where: str, tags: dict[str, str], packages: list[str], channel: str
) -> None:
    account, region = where.split("/")
    routes = load_routes(routes_file, "C0IGNORED")
    assert routes.channel_for(account=account, region=region, tags=tags, packages=packages) == channel


def test_json_routes_and_default_from_settings(tmp_path: Path) -> None:
    path = tmp_path / "routes.json"
    path.write_text('{"route": [{"channel": "C0WEB", "tags": {"Name": "web-*"}}]}')
    routes = load_routes(path, "C0DEFAULT")
    assert routes.channel_for(account="1", region="r", tags={"Name": "web-1"}, packages=[]) == "C0WEB"
    assert routes.channel_for(account="1", region="r", tags={}, packages=[]) == "C0DEFAULT"
    assert load_routes(None, "").channel_for(account="1", region="r", tags={}, packages=[]) is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[[route]]\nchannel = "#ops"', "channel must be a channel ID"),
        ('[[route]]\nchannel = "C0A"\npackage = ["x"]', "unknown key"),
        ('default_channel = "ops"', "default_channel must be a channel ID"),
        ('[[route]]\nchannel = "C0A"\nregions = [1]', "regions must be a list of strings"),
        ("route = [", "not valid TOML"),
    ],
)
def test_mistakes_name_the_file_and_what_to_fix(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "routes.toml"
    path.write_text(text)
    with pytest.raises(RoutesError, match=says):
        load_routes(path)
