"""Where an alert goes among the posts still open: the pure `place` function, table by table."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.alerts.ledger import AlertPost, PostedServer
from bot.alerts.placement import AlertDecision, place, signature_key, span_of, widen
from bot.core.change_summary import summarize
from bot.core.config_items import InventoryKind, InventorySnapshot, PackageEntry

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def snapshot(node: str, minutes: int, **versions: str) -> InventorySnapshot:
    return InventorySnapshot(
        node_id=node,
        captured_at=T0 + timedelta(minutes=minutes),
        state_id=f"{node}-{minutes}",
        status="OK",
        packages=tuple(PackageEntry(InventoryKind.APPLICATION, name, version, "x86_64") for name, version in versions.items()),
    )


def decision(current: InventorySnapshot, previous: InventorySnapshot | None, channel: str = "C0ALERTS") -> AlertDecision:
    summary = summarize(previous, current, watchlist=())
    return AlertDecision(summary, channel, None, current.node_id, "default channel")


BEFORE_A = snapshot("i-a", 0, curl="7.61.1-1", bash="4.2-1")
CURL_A = snapshot("i-a", 10, curl="7.61.1-2", bash="4.2-1")
BASH_A = snapshot("i-a", 20, curl="7.61.1-2", bash="4.2-2")
BEFORE_B = snapshot("i-b", 0, curl="7.61.1-1", bash="4.2-1")
CURL_B = snapshot("i-b", 12, curl="7.61.1-2", bash="4.2-1")
NOW = (T0 + timedelta(minutes=30)).timestamp()


def posted(current: InventorySnapshot, previous: InventorySnapshot | None, channel: str = "C0ALERTS") -> AlertPost:
    """A post already open for one item, as the ledger would hold it."""
    found = decision(current, previous, channel)
    return AlertPost(
        channel=channel,
        opened_at=current.captured_at.timestamp(),
        signature=signature_key(found.summary),
        servers=(span_of(current.node_id, current.node_id, current, previous),),
        key=f"post-{current.state_id}",
        ts="1.0",
    )


def test_nothing_open_makes_a_new_post_with_the_items_summary() -> None:
    placed = place([], decision(CURL_A, BEFORE_A), span_of("i-a", "web-a", CURL_A, BEFORE_A), NOW)
    assert placed.post.ts is None and placed.post.opened_at == NOW
    assert placed.post.servers == (span_of("i-a", "web-a", CURL_A, BEFORE_A),)
    assert placed.widened is None and not placed.joined_digest
    assert [c.package for c in placed.summary.changes] == ["curl"]


def test_a_later_item_of_the_same_server_widens_its_own_message() -> None:
    own = posted(CURL_A, BEFORE_A)
    placed = place([own], decision(BASH_A, CURL_A), span_of("i-a", "web-a", BASH_A, CURL_A), NOW)
    assert placed.post.key == own.key
    assert placed.widened == PostedServer(
        "i-a", "web-a", BEFORE_A.state_id, BEFORE_A.captured_at.timestamp(), BASH_A.state_id,
        BASH_A.captured_at.timestamp(), (CURL_A.state_id, BASH_A.state_id),
    )


def test_an_earlier_item_arriving_late_moves_the_base_back_and_keeps_the_head() -> None:
    late = span_of("i-a", "web-a", CURL_A, BEFORE_A)
    span = widen(span_of("i-a", "web-a", BASH_A, CURL_A), late)
    assert (span.base_state, span.head_state) == (BEFORE_A.state_id, BASH_A.state_id)
    assert span.items == (BASH_A.state_id, CURL_A.state_id)


def test_an_item_already_in_its_post_changes_nothing() -> None:
    own = posted(CURL_A, BEFORE_A)
    assert place([own], decision(CURL_A, BEFORE_A), span_of("i-a", "web-a", CURL_A, BEFORE_A), NOW).unchanged


def test_the_same_change_on_another_server_joins_a_fleet_digest() -> None:
    other = posted(CURL_A, BEFORE_A)
    placed = place([other], decision(CURL_B, BEFORE_B), span_of("i-b", "web-b", CURL_B, BEFORE_B), NOW)
    assert placed.joined_digest and placed.post.key == other.key
    assert [s.node_id for s in placed.post.servers] == ["i-a", "i-b"]


@pytest.mark.parametrize(
    ("open_post", "why"),
    [
        (posted(CURL_A, BEFORE_A, channel="C0OPS"), "another channel"),
        (replace(posted(CURL_A, BEFORE_A), signature="other-change"), "another change"),
    ],
)
def test_a_post_in_another_channel_or_of_another_change_is_not_joined(open_post: AlertPost, why: str) -> None:
    placed = place([open_post], decision(CURL_B, BEFORE_B), span_of("i-b", "web-b", CURL_B, BEFORE_B), NOW)
    assert placed.post.key != open_post.key, why


def test_without_merging_the_servers_own_message_is_left_alone() -> None:
    own = posted(CURL_A, BEFORE_A)
    placed = place([own], decision(BASH_A, CURL_A), span_of("i-a", "web-a", BASH_A, CURL_A), NOW, merge=False)
    assert placed.post.key != own.key and placed.widened is None
