"""The `pkgwhen` command as a user runs it: a separate process, real stdin and stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pkgwhen(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PKGWHEN_", "AWS_ENDPOINT"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
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
