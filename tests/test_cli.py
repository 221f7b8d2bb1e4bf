"""The `pkgwhen` command as a user runs it: a separate process, real stdin and stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Each test runs pkgwhen as its own process.
pytestmark = pytest.mark.slow


def _pkgwhen(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PKGWHEN_", "AWS_ENDPOINT"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**clean, **(env or {})},
        check=False,
    )


def test_demo_console_answers_help_from_stdin_and_exits_0() -> None:
    result = _pkgwhen("demo", stdin="/pkgwhen help\n")
    assert result.returncode == 0, result.stderr
    assert "/pkgwhen <server> <package>" in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_run_prints_replies() -> None:
    result = _pkgwhen("demo", "--run", "/pkgwhen help", "--run", "/inventory help")
    assert result.returncode == 0, result.stderr
    assert "/pkgwhen <server> <package>" in result.stdout
    assert "/inventory refresh <server>" in result.stdout


def test_demo_run_fails_when_a_command_gets_no_reply() -> None:
    result = _pkgwhen("demo", "--run", "/pkgwhen help", "--run", "no slash here")
    assert result.returncode == 1


def test_serve_without_token_names_the_variable_in_one_line() -> None:
    result = _pkgwhen("serve")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_replays_an_exported_history() -> None:
    result = _pkgwhen(
        "demo", "--history", str(ROOT / "tests/data/history_map_shape.json"), "--run", "/pkgwhen i-0fe1 kernel"
    )
    assert result.returncode == 0, result.stderr
    assert "installed `4.14.285-215.501.amzn2` beside `4.14.256-197.484.amzn2`" in result.stdout


def test_demo_history_file_that_is_not_an_export_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "not-history.json"
    bad.write_text('{"hello": "world"}')
    result = _pkgwhen("demo", "--history", str(bad), "--run", "/pkgwhen help")
    assert result.returncode == 2
    assert str(bad) in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_answers_in_the_terminal_against_the_configured_account(tmp_path: Path) -> None:
    from bot.sim.aws import AwsStandIn
    from bot.sim.default_fleet import build_default_fleet

    with AwsStandIn(build_default_fleet()) as stand_in:
        env = {
            "AWS_ENDPOINT_URL_CONFIG_SERVICE": stand_in.url,
            "AWS_ENDPOINT_URL_SSM": stand_in.url,
            "AWS_ENDPOINT_URL_EC2": stand_in.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "PKGWHEN_STATE_DIR": str(tmp_path),
        }
        result = _pkgwhen("ask", "/pkgwhen web-1 curl at 2020-07-01", env=env)
        assert result.returncode == 0, result.stderr
        assert "*curl*: `7.61.1-12.amzn2.0.1`" in result.stdout
        unknown = _pkgwhen("ask", "/pkgwhen web-9 curl", env=env)
        assert unknown.returncode == 1
        assert "No managed server matches `web-9`" in unknown.stdout
