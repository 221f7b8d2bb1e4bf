"""Change summaries: counts per kind, notable packages first, noise says nothing, posts stay inside Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.change_summary import summarize
from bot.core.config_items import InventorySnapshot, parse_configuration_item
from bot.sim.fleet import Fleet, SimNode
from bot.sim.slack import slack_rejection
from bot.slack.change_messages import (
    DigestServer,
    render_change_detail,
    render_change_summary,
    render_digest_servers,
    render_fleet_digest,
)
from bot.slack.plaintext import blocks_to_text

START = datetime(2024, 1, 1, tzinfo=UTC)
NODE = "i-0123456789abcdef0"
WATCH = ("kernel", "openssl*", "glibc", "openssh*", "sudo")


def _rpm(name: str, version: str, release: str = "1.amzn2", **extra: str) -> dict[str, str]:
    return {"Name": name, "Version": version, "Release": release, "Architecture": "x86_64", **extra}


def _pair(before: list[dict[str, str]], after: list[dict[str, str]]) -> tuple[InventorySnapshot, InventorySnapshot]:
    fleet = Fleet()
    node = fleet.add(SimNode(NODE, "web-1", "Linux", "Amazon Linux", "2", "3.0", "10.0.0.1", START))
    for entry in before:
        node.install(entry)
    fleet.capture(NODE, START)
    node.installed["AWS:Application"] = [dict(e) for e in after]
    fleet.capture(NODE, START + timedelta(hours=1))
    first, second = (parse_configuration_item(i) for i in node.items)
    return first, second


def test_counts_each_kind_and_puts_watched_packages_first() -> None:
    before = [_rpm("curl", "7.61.1"), _rpm("openssl-libs", "1.0.2k"), _rpm("zlib", "1.2"), _rpm("vim", "8.0"),
              _rpm("bash", "4.2")]
    after = [_rpm("curl", "7.61.2"), _rpm("openssl-libs", "1.0.2l"), _rpm("zlib", "1.1"), _rpm("bash", "4.2"),
             _rpm("jq", "1.6")]
    summary = summarize(*_pair(before, after), watchlist=WATCH)
    assert dict(summary.counts) == {"upgraded": 2, "installed": 1, "removed": 1, "downgraded": 1}
    assert [c.package for c in summary.changes] == ["openssl-libs", "zlib", "vim", "jq", "curl"]
    assert summary.notable_count == 1
    text = blocks_to_text(*_payload(render_change_summary(summary, "web-1")))
    assert "2 upgraded, 1 installed, 1 removed, 1 downgraded" in text
    assert text.index("openssl-libs") < text.index("curl")


def test_install_time_and_package_id_changes_are_noise() -> None:
    before = [_rpm("curl", "7.61.1", InstalledTime="2024-01-01T00:00:00Z", PackageId="curl-7.61.1.src.rpm")]
    after = [_rpm("curl", "7.61.1", InstalledTime="2024-01-01T00:30:00Z", PackageId="curl-7.61.1-b.src.rpm")]
    summary = summarize(*_pair(before, after), watchlist=WATCH)
    assert summary.is_noise
    assert "no package changed" in render_change_summary(summary, "web-1").text


def test_a_big_change_shows_notable_ones_in_the_channel_and_everything_in_the_thread() -> None:
    before = [_rpm(f"lib{n:03}", "1.0") for n in range(300)] + [_rpm("kernel", "4.14.1")]
    after = [_rpm(f"lib{n:03}", "1.1") for n in range(300)] + [_rpm("kernel", "4.14.2")]
    summary = summarize(*_pair(before, after), watchlist=WATCH)
    post = render_change_summary(summary, "web-1 <!channel>")
    assert slack_rejection(post.text, list(post.blocks)) is None
    text = blocks_to_text(*_payload(post))
    assert "kernel" in text and "lib299" not in text
    assert "301 changes in all" in text
    assert "<!channel>" not in str(post.blocks)
    detail = render_change_detail(summary, "web-1")
    for reply in detail:
        assert slack_rejection(reply.text, list(reply.blocks)) is None
    joined = "\n".join(blocks_to_text(*_payload(m)) for m in detail)
    assert all(f"lib{n:03}" in joined for n in range(300))


def test_fleet_digest_names_the_change_and_how_many_servers() -> None:
    summary = summarize(*_pair([_rpm("curl", "7.61.1", "12.amzn2.0.1")], [_rpm("curl", "7.61.1", "12.amzn2.0.2")]),
                       watchlist=WATCH)
    servers = [DigestServer(f"web-{n}", f"i-{n:017x}", START) for n in range(43)]
    digest = render_fleet_digest(summary, servers)
    text = blocks_to_text(*_payload(digest))
    assert "*curl* `7.61.1-12.amzn2.0.1` → `7.61.1-12.amzn2.0.2` on 43 servers" in text
    listing = render_digest_servers(servers)
    assert slack_rejection(listing.text, list(listing.blocks)) is None
    assert "web-42" in blocks_to_text(*_payload(listing))


def test_first_record_says_what_was_present() -> None:
    _, second = _pair([_rpm("curl", "1")], [_rpm("curl", "1"), _rpm("jq", "1.6")])
    summary = summarize(None, second, watchlist=WATCH)
    assert summary.first_record
    assert dict(summary.counts) == {"present": 2}


def _payload(message: object) -> tuple[str, list[dict[str, object]]]:
    return message.text, list(message.blocks)  # type: ignore[attr-defined]
