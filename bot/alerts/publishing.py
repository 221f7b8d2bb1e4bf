"""Making Slack show an alert post, each `chat.postMessage` at most once.

A post is a channel message and its thread replies, by slot. A slot with nothing shown yet is posted: first
an intent (the items, the channel and a post key) is written to the ledger, then the message is sent with
the post key in its metadata, then Slack's answer is recorded. When the answer never came (5xx, timeout, a
dropped connection, a process that died) the intent is still in the ledger: the next attempt waits until a
request Slack may still be working on has landed, looks the key up in the channel, and adopts the message
it finds — or posts it then. A slot whose text changed is updated (`chat.update` is safe to repeat); a
message someone deleted is posted again.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.alerts.ledger import AlertLedger, AlertPost, Intent, ItemRecord
from bot.alerts.placement import message_digest
from bot.alerts.slack import AlertPoster, SlackRateLimited, SlackRejected
from bot.slack.messages import Message

log = logging.getLogger("pkgwhen.alerts")


class Unsettled(Exception):
    """A post's outcome is unknown and it is too early to look for it in the channel."""


class Publisher:
    def __init__(
        self, poster: AlertPoster, ledger: AlertLedger, *, settle_s: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.poster = poster
        self.ledger = ledger
        # At least the client's timeout: a request the client gave up on may still land before the lookup.
        self.settle_s = max(settle_s, poster.timeout_s)
        self.clock = clock

    def show(
        self,
        post: AlertPost,
        slots: Sequence[tuple[str, Message]],
        items: Sequence[tuple[str, str]],
        keep: Callable[[AlertPost], None],
    ) -> AlertPost:
        """Make Slack show `slots` for `post` and record it with `items` (the items new in it).

        `keep` is told the post after every step, as the ledger holds it. Raises what the poster raises
        (SlackUnavailable: an unknown outcome, covered by its intent), and Unsettled while an earlier unknown
        outcome is too recent to look up.
        """
        for slot, message in slots:
            digest = message_digest(message)
            shown_items = items if slot == "main" else ()
            if post.intent(slot) is not None or self._ts(post, slot) is None:
                post = self._post_once(post, slot, message, digest=digest, items=shown_items, keep=keep)
            if post.shown_hash(slot) == digest:
                continue
            try:
                self.poster.update(post.channel, str(self._ts(post, slot)), message)
                post = post.showing(slot, digest)
            except SlackRejected as error:
                if error.error != "message_not_found":
                    raise
                # Someone deleted it: it is posted again (a channel message's thread follows it).
                post = self._post_once(post.forgetting(slot), slot, message, digest=digest, items=shown_items, keep=keep)
            self.ledger.save_post(post, self.clock())
            keep(post)
        # Items of a post whose text did not change (a duplicate folded in) are recorded too.
        self.ledger.save_post(post, self.clock(), items)
        keep(post)
        return post

    @staticmethod
    def _ts(post: AlertPost, slot: str) -> str | None:
        return post.ts if slot == "main" else post.reply_ts(slot)

    def _post_once(
        self,
        post: AlertPost,
        slot: str,
        message: Message,
        *,
        digest: str,
        items: Sequence[tuple[str, str]],
        keep: Callable[[AlertPost], None],
    ) -> AlertPost:
        """chat.postMessage for `slot` at most once: an intent first, and after an unknown outcome a lookup."""
        now = self.clock()
        intent = post.intent(slot)
        if intent is not None:
            if now < intent.at + self.settle_s:
                raise Unsettled(f"an earlier post's outcome is unknown; {post.channel} is read for it after it settles")
            found = self.poster.find(post.channel, intent.key, since=intent.at, thread_ts=intent.thread_ts)
            if found is not None:
                log.info("alert %s was posted before its outcome was known (ts %s): adopted, not posted again", intent.key, found)
                post = post.resolved(slot).showing(slot, intent.digest, found)
                self.ledger.save_post(post, now, items)
                keep(post)
                return post
            log.info("alert %s is not in %s: posting it now", intent.key, post.channel)
            intent = replace(intent, at=now)
        else:
            intent = Intent(slot, uuid.uuid4().hex, now, digest, None if slot == "main" else post.ts)
        post = post.intending(intent)
        # Recorded before Slack is called: when this write fails, nothing is posted.
        self.ledger.save_post(post, now, items, outcome=ItemRecord.INTENDED)
        keep(post)
        try:
            ts = self.poster.post(post.channel, message, post_key=intent.key, thread_ts=intent.thread_ts)
        except (SlackRejected, SlackRateLimited):
            # Slack did not act: the intent is void.
            keep(post.resolved(slot))
            if slot == "main" and post.ts is None:
                self.ledger.drop_post(post.key)
            else:
                self.ledger.save_post(post.resolved(slot), now)
            raise
        post = post.resolved(slot).showing(slot, digest, ts)
        self.ledger.save_post(post, self.clock(), items)
        keep(post)
        return post
