"""Who changed a package and how: which of a server's package-manager transactions explain one recorded change.

Config knows that curl changed between two captures; the server's package manager knows the transaction,
its exact time, the user and the command line. This is the pure part: what to look for (`Lookup`) and
what was found in the document's report (`find` → `Finding`). Running the document is the use case
`bot.usecases.who_changed`; the thread is rendered in `bot.slack.who_changed_messages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.servers import ManagedServer
from bot.core.transactions import (
    Reading,
    Transaction,
    TransactionReport,
    near,
    read_transaction,
    transactions_touching,
)

# A transaction this close to the recorded window still explains the change (clocks, slow captures).
TRANSACTION_LEEWAY = timedelta(minutes=30)
MAX_TRANSACTIONS_SHOWN = 5


@dataclass(frozen=True)
class Lookup:
    """What to look for: a package on a server, around one recorded change."""

    server: ManagedServer
    package: str
    after: datetime | None
    before: datetime
    change: str = ""  # the change as the timeline said it, e.g. "7.61.1-12.amzn2.0.1 → 7.61.1-12.amzn2.0.2"


@dataclass(frozen=True)
class Finding:
    report: TransactionReport
    transactions: tuple[Transaction, ...]
    readings: tuple[Reading, ...]
    nearby: bool  # False: none in the window, these are the package's transactions found at all


def find(report: TransactionReport, lookup: Lookup) -> Finding:
    touching = transactions_touching(report, lookup.package)
    close = near(touching, lookup.after, lookup.before, timedelta(minutes=1)) or near(
        touching, lookup.after, lookup.before, TRANSACTION_LEEWAY
    )
    chosen = close or touching[-MAX_TRANSACTIONS_SHOWN:]
    readings = tuple(
        read_transaction(t, launched_at=lookup.server.launched_at, package=lookup.package, report=report) for t in chosen
    )
    return Finding(report, tuple(chosen), readings, nearby=bool(close))


