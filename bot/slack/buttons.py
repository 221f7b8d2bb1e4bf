"""What a button carries back when clicked: one frozen dataclass per button, `encode` and `decode` side by side.

Slack returns a button's value in a signed request, but whoever can click can also send any value they
like. So `decode` checks a value exactly as typed input is checked — the question goes through the same
parser, a package name through the same rule — and raises ForgedButton for anything else, before anything
runs. `encode` returns None for a value Slack would not carry (over 2,000 characters): no button then.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.errors import PkgwhenError
from bot.core.lookup import Lookup
from bot.core.query import MAX_NAME, Mode, PackageQuery, check_package_name, parse_pkgwhen, zone_for

MAX_VALUE = 2000  # Slack's limit on a button's value
MAX_PAGE = 10_000
# SSM association IDs are UUIDs.
_ASSOCIATION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ForgedButton(PkgwhenError):
    """A button value pkgwhen did not make (or no longer understands): nothing is run for it."""

    def __init__(self) -> None:
        super().__init__(
            "That button's value is not one pkgwhen made, so nothing was run.",
            "Ask again with the command (`/pkgwhen help` shows how); its answer has working buttons.",
        )


def _fits(data: dict[str, Any]) -> str | None:
    value = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return value if len(value) <= MAX_VALUE else None


def _fields(value: str, required: dict[str, type]) -> dict[str, Any]:
    """The JSON object of a value with these fields of these types, or ForgedButton."""
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        raise ForgedButton() from None
    if not isinstance(data, dict) or any(not isinstance(data.get(k), t) for k, t in required.items()):
        raise ForgedButton()
    return data


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ForgedButton() from None
    if moment.tzinfo is None:
        raise ForgedButton()
    return moment


@dataclass(frozen=True)
class QueryButton:
    """Share, ◀ Newer, Older ▶: the question again, written as it would be typed, with its zone and page."""

    text: str  # `/pkgwhen` text: `i-0abc "openssl*" since 2021-07-01T00:00:00+09:00`
    zone: str = "UTC"
    page: int = 1

    @classmethod
    def of(cls, query: PackageQuery, page: int) -> QueryButton:
        words = [shlex.quote(query.server), shlex.quote(query.package)]
        for keyword, moment in (("at", query.at), ("since", query.since), ("until", query.until)):
            if moment is not None:
                words += [keyword, moment.isoformat()]
        return cls(" ".join(words), query.zone, page)

    def encode(self) -> str | None:
        return _fits({"q": self.text, "z": self.zone, "g": self.page})

    @classmethod
    def decode(cls, value: str) -> QueryButton:
        data = _fields(value, {"q": str, "z": str, "g": int})
        if not 1 <= data["g"] <= MAX_PAGE or len(data["z"]) > 64:
            raise ForgedButton()
        return cls(data["q"], data["z"], data["g"])

    def query(self, now: datetime) -> PackageQuery:
        """The question, read by the parser that reads typed commands (its errors are the typed ones)."""
        zone, name = zone_for(self.zone)
        query = parse_pkgwhen(self.text, now=now, zone=zone, zone_name=name)
        if query.mode is Mode.WHY:
            raise ForgedButton()
        return query


@dataclass(frozen=True)
class WhoChangedButton:
    """ "Who changed it?" on one change: the server, the package, the change's window and how it was told."""

    node_id: str
    package: str
    after: datetime | None
    before: datetime
    change: str = ""  # the change as the timeline said it, e.g. "7.61.1-12.amzn2.0.1 → 7.61.1-12.amzn2.0.2"

    @classmethod
    def asking(cls, lookup: Lookup) -> WhoChangedButton:
        return cls(lookup.server.node_id, lookup.package, lookup.after, lookup.before, lookup.change)

    def encode(self) -> str | None:
        return _fits(
            {
                "n": self.node_id,
                "p": self.package,
                "a": self.after.isoformat() if self.after else None,
                "b": self.before.isoformat(),
                "c": self.change[:300],
            }
        )

    @classmethod
    def decode(cls, value: str) -> WhoChangedButton:
        data = _fields(value, {"n": str, "p": str, "b": str})
        if len(data["n"]) > MAX_NAME or not isinstance(data.get("c", ""), str):
            raise ForgedButton()
        # The same rule as `/pkgwhen SERVER PACKAGE why` typed: the name goes to a document on the server.
        check_package_name(data["p"])
        before = _moment(data["b"])
        assert before is not None
        return cls(data["n"], data["p"], _moment(data.get("a")), before, str(data.get("c", ""))[:300])


@dataclass(frozen=True)
class ConfirmRunButton:
    """ "Run on N servers": the server it was asked from and the association it would run."""

    node_id: str
    association_id: str

    def encode(self) -> str | None:
        return _fits({"n": self.node_id, "a": self.association_id})

    @classmethod
    def decode(cls, value: str) -> ConfirmRunButton:
        data = _fields(value, {"n": str, "a": str})
        if len(data["n"]) > MAX_NAME or not _ASSOCIATION_ID.fullmatch(data["a"]):
            raise ForgedButton()
        return cls(data["n"], data["a"])
