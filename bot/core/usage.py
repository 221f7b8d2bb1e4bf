"""The command language's help: what `/pkgwhen` and `/inventory` take, as mrkdwn. A UsageError carries it,
and the help commands show it."""

from __future__ import annotations


def _literal(text: str) -> str:
    """Help text that shows `<server>` as written: in mrkdwn, `<…>` would be read as a link."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


PKGWHEN_USAGE = _literal("\n".join(
    [
        "*/pkgwhen* — when did a package change on a server, and what changed",
        "`/pkgwhen <server> <package>` — every version change, oldest first",
        "`/pkgwhen <server> <package> at <date>` — what was installed at that moment",
        "`/pkgwhen <server> <package> since <date> [until <date>]` — changes in a period",
        "`/pkgwhen <server> <package> why` — who changed it and how, from the server's package manager",
        "*server*: a node ID (`i-0abc…`, `mi-…`), a unique prefix of one, a `Name` tag or a computer name",
        '*package*: a name (any case), a `"quoted name with spaces"`, or a glob such as `openssl*`, `kernel*`, `KB50*`',
        "*date*: `2020-07-01`, `2020-07-01 09:30`, `Jul 1 2020`, `3d`, `2w`, `yesterday 09:30`, `last week` — "
        "in your Slack time zone unless you give one (`UTC`, `+09:00`, `Europe/Berlin`)",
        "Example: `/pkgwhen i-0abc openssl` · `/pkgwhen web-1 curl at 2020-07-01`",
    ]
))

# One line for a date that could not be read, instead of the whole help.
DATE_HINT = (
    "Dates look like `2020-07-01`, `2020-07-01 09:30`, `Jul 1 2020`, `3d`, `2w`, `yesterday 09:30`, "
    "`last week`, read in your Slack time zone unless you give one (`UTC`, `+09:00`, `Europe/Berlin`)."
)
PKGWHEN_HINT = "Ask about one server and one package, e.g. `/pkgwhen web-1 openssl`; `/pkgwhen help` shows everything."

INVENTORY_USAGE = _literal("\n".join(
    [
        "*/inventory* — SSM inventory of a server",
        "`/inventory status <server>` — last inventory capture, its association and schedule, agent and platform",
        "`/inventory refresh <server>` — collect inventory now and report what changed",
        "`/inventory refresh <server> --association` — run the whole inventory association (asks first)",
        "*server*: a node ID (`i-0abc…`, `mi-…`), a unique prefix of one, a `Name` tag or a computer name",
    ]
))
