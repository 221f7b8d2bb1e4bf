"""`pkgwhen demo` as a new user meets it: quiet for any export, buttons clickable by number, times in the
reader's zone, honest about what it simulates, its own answer to an unknown command."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot.runtime.demo import run_demo
from bot.sim.default_fleet import AL2_WEB, build_default_fleet
from bot.sim.history_export import cli_history
from tests.conftest import NOW

# Each runs the whole demo (its own workspace, moto and the alert worker): seconds each.
pytestmark = pytest.mark.slow


def demo(*commands: str, history: tuple[Path, ...] = (), user: str = "U0ALICE") -> tuple[int, str]:
    out = io.StringIO()
    code = run_demo(history=history, commands=commands, user=user, out=out)
    return code, out.getvalue()


@pytest.fixture
def foreign_export(tmp_path: Path) -> Path:
    """web-1's history as exported from another account, in eu-west-1."""
    node = build_default_fleet(now=NOW).node(AL2_WEB)
    assert node is not None
    items = [{**item, "awsRegion": "eu-west-1", "accountId": "210987654321"} for item in node.items]
    path = tmp_path / "web-1.json"
    path.write_text(cli_history(items))
    return path


def test_an_export_from_another_region_and_account_runs_quietly_with_its_alerts(
    foreign_export: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    code, out = demo("/simulate patch all curl", "/pkgwhen i-0abc curl", history=(foreign_export,))
    assert code == 0
    assert "Replaying exported history of account 210987654321 in eu-west-1" in out
    assert "pkgwhen in #pkg-alerts:" in out  # the alert worker reads the queue in the export's region
    assert "210987654321 · eu-west-1" in out
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_buttons_are_numbered_and_clicked_by_number() -> None:
    code, out = demo(
        "/pkgwhen web-1 curl",
        "/click 2",  # "Who changed it?" on an older change
        "/click 3",  # and on another one of the same package
        "/click 7",  # Share in channel
    )
    assert code == 0
    assert "[2: Who changed it?]" in out and "[7: Share in channel]" in out
    assert out.count("details in the thread") == 2
    assert "pkgwhen (in the channel):" in out
    assert "shared by @U0ALICE" in out


def test_pages_and_confirmations_are_reachable_from_the_console() -> None:
    code, out = demo(
        "/pkgwhen i-0f3e KB*",
        "/click 2",  # Older ▶ (1 is Share)
        "/inventory refresh i-0abc --association",
        "/click 1",
        "/click 1 yes",
    )
    assert "page 2 of" in out
    assert "Slack asks first: Run the whole association?; Inventory runs on" in out
    assert "Type /click 1 yes to go ahead." in out
    assert "The association's run so far" in out
    assert code == 0


def test_a_click_on_no_button_says_which_numbers_there_are() -> None:
    code, out = demo("/pkgwhen web-1 curl", "/click 99")
    assert "Usage: /click N, with N the number of a button shown (now 1 to 7)." in out
    assert code == 1


# web-1's seed update was recorded at 2020-07-02 01:02 UTC: 10:02 in Tokyo, 21:02 the day before in New York.
@pytest.mark.parametrize(
    ("user", "zone", "local"),
    [("U0ALICE", "Asia/Tokyo", "2020-07-02 10:02 JST"), ("U0MALLORY", "America/New_York", "2020-07-01 21:02 EDT")],
)
def test_times_are_shown_in_the_users_zone_and_the_banner_says_which(user: str, zone: str, local: str) -> None:
    code, out = demo("/pkgwhen web-1 curl", user=user)
    assert code == 0
    assert f"in your Slack time zone, {zone}." in out
    assert local in out
    assert "2020-07-02 01:02 UTC" not in out


def test_on_a_replayed_export_who_changed_it_says_the_server_side_is_simulated(foreign_export: Path) -> None:
    code, out = demo("/pkgwhen i-0abc curl", "/click 2", history=(foreign_export,))
    assert code == 0
    assert "details in the thread" in out
    assert "(demo: this server is replayed from an exported history" in out
    assert "made up, not read from your server" in out
    _, simulated = demo("/pkgwhen web-1 curl", "/click 2")
    assert "(demo:" not in simulated  # the demo's own fleet is simulated through and through, and says so


def test_an_unknown_command_gets_pkgwhens_own_answer(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    code, out = demo("/pkgwhne web-1 curl")
    assert "pkgwhen answers /pkgwhen and /inventory; this console also takes /click N" in out
    assert "/pkgwhne is none of them" in out
    assert "HTTP 404" not in out
    assert not [r for r in caplog.records if "Unhandled request" in r.getMessage() or "@app.command" in r.getMessage()]
    assert code == 1
