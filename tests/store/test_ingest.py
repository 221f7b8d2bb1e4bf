"""Items read into spans: the fast reading of API-form items gives what the ordinary reading gives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.core.config_items import MalformedItem
from bot.core.spans import ItemFacts
from bot.sim.fleet import Fleet
from bot.store.ingest import ItemReader


def _notification_form(item: dict[str, Any]) -> dict[str, Any]:
    """The same item with `configuration` an object, which the fast reading leaves to the ordinary one."""
    return {**item, "configuration": json.loads(item["configuration"])}


def _read(reader: ItemReader, item: dict[str, Any]) -> tuple[ItemFacts, list[Any] | None]:
    facts, entries = reader.read(item)
    return facts, None if entries is None else sorted(entries, key=repr)


def test_api_form_items_read_as_the_notification_form_reads(fleet: Fleet) -> None:
    fast, ordinary = ItemReader(), ItemReader()
    read = 0
    for node in fleet.nodes():
        for item in node.items:
            assert _read(fast, item) == _read(ordinary, _notification_form(item)), (node.node_id, item["configurationStateId"])
            read += 1
    assert read > 100


@pytest.mark.parametrize(
    ("configuration", "message"),
    [
        ('{"AWS:Application": []}', "AWS:Application of the item for i-1 is not an object"),
        ('{"AWS:Application": {"Content": 7}}', "AWS:Application.Content is a int"),
        ('{"AWS:Application": {"Content": ["x"]}}', "an entry of AWS:Application.Content is a str"),
        ("{not json", "is not valid JSON"),
    ],
)
def test_a_malformed_item_is_told_as_the_ordinary_reading_tells_it(configuration: str, message: str) -> None:
    item = {"resourceId": "i-1", "configurationItemCaptureTime": "2024-01-01T00:00:00Z", "configuration": configuration}
    with pytest.raises(MalformedItem, match=message):
        ItemReader().read(item)


def test_entries_equal_across_items_are_one_object(fleet: Fleet) -> None:
    node = max(fleet.nodes(), key=lambda n: len(n.items))
    reader = ItemReader()
    first, second = (reader.read(item)[1] for item in node.items[-2:])
    assert first is not None and second is not None
    shared = {id(e) for e in first} & {id(e) for e in second}
    assert len(shared) >= min(len(first), len(second)) // 2
