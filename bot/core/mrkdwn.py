"""Slack mrkdwn from data: escaping, code spans, and cutting text without breaking an entity or a token.

Everything pkgwhen echoes (a typed name, a Name tag, a hostname, a command line from a server) goes
through `escape` or `code`, so `<!channel>`, `<@U…>` or `<http://x|y>` in data stays literal text.
"""

from __future__ import annotations

import re

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SLACK_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}
# How much of a typed value an error message repeats: enough to recognise it, never a wall of text.
ECHO_LIMIT = 60


def escape(text: str) -> str:
    """mrkdwn-escape text that comes from data, so `<!channel>` or `<http://x|y>` stays literal text."""
    return re.sub(r"[&<>]", lambda m: _ESCAPES[m.group(0)], text)


def code(text: str) -> str:
    """Data shown as inline code; backticks inside would end the span early, so they become quotes."""
    return "`" + escape(text).replace("`", "'") + "`"


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """A typed value as an answer repeats it: whole when short, else its start and how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """A typed value repeated in an answer: shortened, escaped, as code."""
    return code(shorten(text, limit))


def unescape_typed(text: str) -> str:
    """What a person typed after a slash command: Slack sends `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`."""
    return re.sub(r"&(?:lt|gt|amp);", lambda m: _SLACK_ENTITIES[m.group(0)], text)


def cut(text: str, limit: int, *, mark: str = "…") -> str:
    """`text` in at most `limit` characters, ending with `mark` when cut.

    The cut never leaves half of a `<…>` token (a date, a mention pkgwhen wrote) or of an `&…;` entity,
    which Slack would show as broken text.
    """
    if len(text) <= limit:
        return text
    kept = text[: max(0, limit - len(mark))]
    opened = kept.rfind("<")
    if opened > kept.rfind(">"):
        kept = kept[:opened]
    amp = kept.rfind("&")
    if amp > kept.rfind(";") and len(kept) - amp < 6:
        kept = kept[:amp]
    return kept + mark
