"""Which server a person means, from IDs, prefixes, Name tags and computer names."""

from __future__ import annotations

import pytest

from bot.core.errors import AmbiguousServer, UnknownServer
from bot.core.servers import ManagedServer, resolve_server

FLEET = [
    ManagedServer("i-0abc4f7d2e91c3b58", name_tag="web-1", computer_name="ip-172-31-20-5.ec2.internal"),
    ManagedServer("i-0abd11223344556677", name_tag="web-2"),
    ManagedServer("mi-0123456789abcdef0", computer_name="db-onprem-01.corp.example"),
    ManagedServer("i-0fff000000000000a", name_tag="batch"),
    ManagedServer("i-0fff000000000000b", name_tag="batch"),
]


@pytest.mark.parametrize(
    ("typed", "node_id"),
    [
        ("i-0abc4f7d2e91c3b58", "i-0abc4f7d2e91c3b58"),
        ("I-0ABC4F7D2E91C3B58", "i-0abc4f7d2e91c3b58"),
        ("i-0abc", "i-0abc4f7d2e91c3b58"),
        ("web-1", "i-0abc4f7d2e91c3b58"),
        ("WEB-2", "i-0abd11223344556677"),
        ("db-onprem-01", "mi-0123456789abcdef0"),
        ("db-onprem-01.corp.example", "mi-0123456789abcdef0"),
        ("mi-0123", "mi-0123456789abcdef0"),
        ("ip-172-31-20-5", "i-0abc4f7d2e91c3b58"),
    ],
)
def test_resolves(typed: str, node_id: str) -> None:
    assert resolve_server(typed, FLEET).node_id == node_id


@pytest.mark.parametrize(("typed", "count"), [("i-0ab", 2), ("batch", 2), ("i-0fff", 2)])
def test_ambiguous_lists_the_candidates(typed: str, count: int) -> None:
    with pytest.raises(AmbiguousServer) as raised:
        resolve_server(typed, FLEET)
    assert len(raised.value.candidates) == count


@pytest.mark.parametrize(("typed", "suggested"), [("web1", "web-1"), ("db-onprem-1", "db-onprem-01"), ("i-0abcz", "i-0abc4f7d2e91c3b58")])
def test_unknown_offers_close_names(typed: str, suggested: str) -> None:
    with pytest.raises(UnknownServer) as raised:
        resolve_server(typed, FLEET)
    assert suggested in raised.value.suggestions


def test_label_names_the_server_and_its_id() -> None:
    assert FLEET[0].label == "web-1 (i-0abc4f7d2e91c3b58)"
    assert FLEET[2].label == "db-onprem-01 (mi-0123456789abcdef0)"
