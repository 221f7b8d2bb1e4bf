"""The change-alert worker: Config notifications from SQS become summaries in Slack, none lost, none twice.

One round: the parked messages whose retry time has come plus up to `round_size` new ones; each is read
into a change, decided and placed in a post (the server's open message, a fleet digest, or a new one);
every touched post is shown in Slack and recorded in the ledger; only then are the messages deleted.

Failures stay with the message they belong to. A message that cannot be read, or fails in an unexpected
way, is left for the queue's redrive policy and the worker goes on. Outages are waited out inside the
round without adding a receive: while AWS (Config, S3, EC2) or Slack is down the round's messages are
held and retried with backoff. A route whose channel refuses the bot parks its messages across rounds
(they stay in flight) and says so loudly, while alerts to other channels flow. Every `chat.postMessage`
is announced in the ledger first (an intent with a post key the message carries in its metadata); an
ambiguous outcome is resolved by finding that key in the channel, never by posting blindly again. A
ledger that cannot be written stops the worker, which hands its messages back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError

from bot.alerts.health import WorkerHealth
from bot.alerts.ledger import AlertLedger, AlertPost, ItemRecord, LedgerError, PostedServer
from bot.alerts.notifications import ConfigChange, NotAConfigMessage, Skip, parse_notification
from bot.alerts.placement import (
    AlertDecision,
    at,
    decide,
    place,
    render_post,
    signature_key,
    span_of,
)
from bot.alerts.publishing import Publisher, Unsettled
from bot.alerts.queue import AlertQueue, Keeper, Outcome, Received
from bot.alerts.routing import AlertRoutes
from bot.alerts.slack import (
    AlertPoster,
    MissingScope,
    RouteBroken,
    SlackRateLimited,
    SlackRejected,
    SlackUnavailable,
)
from bot.alerts.sources import ItemSource, ItemUnavailable, ServerDirectory, TagsUnknown
from bot.core.change_summary import ChangeSummary, summarize
from bot.core.config_items import InventorySnapshot, MalformedItem
from bot.core.errors import AwsUnavailable, PkgwhenError, Throttled

log = logging.getLogger("pkgwhen.alerts")


@dataclass(frozen=True)
class WorkerTuning:
    """How the worker uses the queue and waits; tests shorten the waits, production keeps the defaults."""

    # Long-poll wait; shorter than the stop grace, so a stop never waits for a poll to end.
    wait_seconds: int = 5
    batch_size: int = 10
    # Messages received before their alerts are flushed together: fewer Slack calls on a patch night.
    round_size: int = 100
    visibility_timeout: int = 120
    # How often visibility is extended while messages are held (default: a third of the timeout).
    heartbeat_s: float | None = None
    # A message that failed becomes visible again after this long.
    retry_delay_s: int = 30
    # Pause while AWS or Slack is down before the next try, doubled up to `max_backoff_s`.
    backoff_s: float = 2.0
    max_backoff_s: float = 60.0
    # With short polling (wait_seconds 0), the pause after a round that found nothing.
    idle_pause_s: float = 1.0
    # How long a call to Slack may take before its outcome counts as unknown.
    slack_timeout_s: int = 10
    # After an unknown outcome, how long before the channel is read for the post: a request Slack is
    # still working on must have landed (at least the client's timeout).
    settle_s: float = 30.0
    # How often a route whose channel refuses the bot is tried again.
    route_retry_s: float = 60.0
    # How long the ledger remembers items and posts: longer than the queue's and the DLQ's retention.
    retention: timedelta = timedelta(days=30)
    prune_every_s: float = 3600.0


@dataclass
class RoundResult:
    received: int = 0
    deleted: int = 0
    skipped: int = 0
    left: int = 0
    released: int = 0
    parked: int = 0
    delete_failures: int = 0
    held: bool = False


@dataclass
class _Flushed:
    """Posts that did not reach Slack this time, by why."""

    failed: set[str] = field(default_factory=set)
    # Slack or AWS down, or an unknown outcome not settled yet: tried again in this round.
    waiting: set[str] = field(default_factory=set)
    # The route's channel refuses the bot: its messages are parked.
    parked: set[str] = field(default_factory=set)
    slack_down: bool = False


@dataclass
class _Round:
    posts: dict[str, AlertPost]
    summaries: dict[str, ChangeSummary] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    new_items: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    seen: dict[tuple[str, str], str | None] = field(default_factory=dict)
    changes: dict[str, ConfigChange | Skip] = field(default_factory=dict)
    routes: dict[str, str] = field(default_factory=dict)


@dataclass
class _BrokenRoute:
    channel: str
    route: str
    error: str
    next_try: float


class AlertWorker:
    """Runs rounds until stopped; `run_once` is one round (tests and the benchmark drive it directly)."""

    def __init__(
        self,
        *,
        queue: AlertQueue,
        source: ItemSource,
        directory: ServerDirectory,
        poster: AlertPoster,
        ledger: AlertLedger,
        routes: AlertRoutes,
        watchlist: Sequence[str],
        window: timedelta,
        post_noise: bool = False,
        tuning: WorkerTuning = WorkerTuning(),
        clock: Callable[[], float] = time.time,
        stopping: threading.Event | None = None,
        health: WorkerHealth | None = None,
        closing: Sequence[Callable[[], None]] = (),
    ) -> None:
        self.queue = queue
        self.source = source
        self.directory = directory
        self.poster = poster
        self.ledger = ledger
        self.routes = routes
        self.watchlist = tuple(watchlist)
        self.window = window
        self.post_noise = post_noise
        self.tuning = tuning
        self.clock = clock
        # Set to stop: every wait (backoff, Slack's Retry-After through the poster's client) ends at once.
        self.stopping = stopping if stopping is not None else threading.Event()
        self.health = health if health is not None else WorkerHealth(clock)
        self.publisher = Publisher(poster, ledger, settle_s=tuning.settle_s, clock=clock)
        self.keeper = Keeper(
            queue, every_s=tuning.heartbeat_s or tuning.visibility_timeout / 3, timeout_s=tuning.visibility_timeout
        )
        self.totals = RoundResult()
        self.rounds = 0
        self._progress = threading.Condition()
        self._parked: dict[str, tuple[Received, str]] = {}
        self._broken: dict[str, _BrokenRoute] = {}
        self._next_prune = 0.0
        self._thread: threading.Thread | None = None
        # What the worker was built with and owns (an index nobody else uses), closed with it.
        self._closing = tuple(closing)

    # --- life -----------------------------------------------------------------------------------------

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run, name="alert-worker", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, grace_s: float) -> bool:
        """Stop within `grace_s`: the round in flight ends at its next step and hands back what is unfinished.

        When a call to Slack or AWS is still under way after `grace_s`, the messages are handed back from
        here and the worker's thread is left to end with the process (an intent in the ledger covers a post
        that call may still make). False in that case.
        """
        self.stopping.set()
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(grace_s)
        if not thread.is_alive():
            return True
        handed = self.keeper.hand_back()
        log.warning(
            "the alert worker did not stop within %.0f s (a call to Slack or AWS is still under way); "
            "%d messages handed back to the queue",
            grace_s,
            handed,
        )
        return False

    def close(self) -> None:
        self.keeper.close()
        if self._thread is None or not self._thread.is_alive():
            self.ledger.close()
            for close in self._closing:
                close()

    def run(self) -> None:
        """Rounds until `stopping` is set. No message ends it; a ledger that cannot be written does, loudly."""
        log.info("alert worker reading %s", self.queue.url)
        backoff = self.tuning.backoff_s
        try:
            while not self.stopping.is_set():
                try:
                    result = self.run_once()
                except (PkgwhenError, ClientError, BotoCoreError) as error:
                    log.error("receiving from %s failed: %s; trying again in %.0f s", self.queue.url, error, backoff)
                    self.stopping.wait(backoff)
                    backoff = min(backoff * 2, self.tuning.max_backoff_s)
                    continue
                backoff = self.tuning.backoff_s
                self._prune()
                if result.received == 0 and self.tuning.wait_seconds == 0:
                    self.stopping.wait(self.tuning.idle_pause_s)
        except LedgerError as error:
            log.error("%s", error)
            self.health.died(str(error))
        except Exception as error:  # a bug: said loudly, and the bot is no longer ready
            log.exception("the alert worker stopped on an unexpected error")
            self.health.died(f"{type(error).__name__}: {error}")
        finally:
            handed = self.keeper.hand_back()
            if handed:
                log.info("%d messages handed back to the queue", handed)
        log.info("alert worker stopped")

    def run_once(self) -> RoundResult:
        fresh = self._receive()
        received = self._due_parked() + fresh
        result = RoundResult(received=len(received))
        if received:
            self.keeper.keep(received)
            self._round(received, result)
            self._finish(received, result)
        self._accumulate(result)
        return result

    def wait_for(self, predicate: Callable[[AlertWorker], bool], timeout: float) -> bool:
        """Block until `predicate(self)` holds, checked after every round; False when `timeout` passes first."""
        with self._progress:
            return self._progress.wait_for(lambda: predicate(self), timeout)

    def _accumulate(self, result: RoundResult) -> None:
        with self._progress:
            for name in ("received", "deleted", "skipped", "left", "released", "parked", "delete_failures"):
                setattr(self.totals, name, getattr(self.totals, name) + getattr(result, name))
            self.rounds += 1
            self._progress.notify_all()

    def _prune(self) -> None:
        now = self.clock()
        if now < self._next_prune:
            return
        self._next_prune = now + self.tuning.prune_every_s
        gone = self.ledger.prune(now - self.tuning.retention.total_seconds())
        if gone:
            log.info("the alert ledger forgot %d records older than %s", gone, self.tuning.retention)

    # --- the queue ------------------------------------------------------------------------------------

    def _receive(self) -> list[Received]:
        messages: list[Received] = []
        wait = self.tuning.wait_seconds
        while len(messages) < self.tuning.round_size and not self.stopping.is_set():
            got = self.queue.receive(
                min(self.tuning.batch_size, self.tuning.round_size - len(messages)), wait, self.tuning.visibility_timeout
            )
            messages += got
            if not got:
                break
            # Only the first receive waits: the rest take what is there now.
            wait = 0
        if self.stopping.is_set() and messages:
            # Stopping while the receive was under way: nothing of these was started.
            self.queue.set_visibility(messages, 0)
            return []
        return messages

    def _due_parked(self) -> list[Received]:
        now = self.clock()
        kept = {m.message_id for m in self.keeper.kept()}
        due = []
        for message_id, (message, channel) in list(self._parked.items()):
            if message_id not in kept:
                # SQS would not keep it hidden any longer: it comes back by itself.
                del self._parked[message_id]
                continue
            broken = self._broken.get(channel)
            if broken is None or broken.next_try <= now:
                del self._parked[message_id]
                message.outcome, message.post_key, message.why, message.channel = Outcome.PENDING, None, "", ""
                due.append(message)
        return due

    def _finish(self, received: list[Received], result: RoundResult) -> None:
        for message in received:
            if message.outcome in (Outcome.PENDING, Outcome.POSTED, Outcome.HOLD):
                message.outcome = Outcome.RELEASE
        done = [m for m in received if m.outcome is Outcome.DELETE]
        left = [m for m in received if m.outcome is Outcome.LEAVE]
        released = [m for m in received if m.outcome is Outcome.RELEASE]
        parked = [m for m in received if m.outcome is Outcome.PARK]
        result.skipped = sum(1 for m in done if m.post_key is None)
        result.delete_failures = self.queue.delete(done)
        result.deleted = len(done) - result.delete_failures
        self.queue.set_visibility(left, self.tuning.retry_delay_s)
        self.queue.set_visibility(released, 0)
        self.keeper.let_go([*done, *left, *released])
        for message in parked:
            self._parked[message.message_id] = (message, message.channel)
        result.left, result.released, result.parked = len(left), len(released), len(parked)

    # --- one round ------------------------------------------------------------------------------------

    def _round(self, received: list[Received], result: RoundResult) -> None:
        now = self.clock()
        state = _Round(posts={p.key: p for p in self.ledger.open_posts(now - self.window.total_seconds())})
        for message in received:
            try:
                state.changes[message.message_id] = parse_notification(message.body)
            except NotAConfigMessage as error:
                self._poison(message, str(error))
            except Exception as error:  # one message's failure is that message's alone
                self._unexpected(message, error)
        fresh = [c for c in state.changes.values() if isinstance(c, ConfigChange)]
        # What Config must tell about the round's new items is read at once, not one item after another,
        # and EC2's tags meanwhile (two waits on AWS side by side, not one after the other).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="alert-tags") as tags:
            tagged = tags.submit(self.directory.prefetch, [c.node_id for c in fresh])
            self.source.prefetch(c for c in fresh if self.ledger.handled(*c.key) is None)
            tagged.result()
        self._handle_pending(received, state, now)
        flushed = self._flush(state, set(state.dirty))
        backoff = self.tuning.backoff_s
        while not self.stopping.is_set() and (flushed.waiting or any(m.outcome is Outcome.HOLD for m in received)):
            result.held = True
            self._say_held(received, flushed)
            if self.stopping.wait(backoff):
                break
            backoff = min(backoff * 2, self.tuning.max_backoff_s)
            self._handle_pending(received, state, self.clock())
            again = self._flush(state, state.dirty | flushed.waiting)
            flushed = _Flushed(flushed.failed | again.failed, again.waiting, flushed.parked | again.parked, again.slack_down)
        if not self.stopping.is_set():
            for name, what in (("slack", "Slack is back"), ("aws", "AWS is back"), ("scope", "the channel can be read")):
                if self.health.cleared(name):
                    log.info("alerts flow again (%s)", what)
        for message in received:
            if message.outcome is not Outcome.POSTED:
                continue
            if message.post_key in flushed.failed:
                message.outcome = Outcome.LEAVE
            elif message.post_key in flushed.parked:
                message.outcome = Outcome.PARK
                message.channel = state.posts[str(message.post_key)].channel
            elif message.post_key in flushed.waiting:
                message.outcome = Outcome.RELEASE
            else:
                message.outcome = Outcome.DELETE

    def _say_held(self, received: list[Received], flushed: _Flushed) -> None:
        held = [m for m in received if m.outcome is Outcome.HOLD]
        if held:
            text = f"AWS is not answering ({held[0].why}); {len(held)} messages held"
            if self.health.holding("aws", text):
                log.warning("alerts wait for AWS: %s", text)
        if flushed.slack_down:
            text = f"Slack is unavailable; {len(flushed.waiting)} alerts wait"
            if self.health.holding("slack", text):
                log.warning("alerts wait for Slack: %s", text)

    def _handle_pending(self, received: list[Received], state: _Round, now: float) -> None:
        """Handle every message not handled yet; transient AWS failures hold it, anything else is its own failure."""
        for message in received:
            if message.outcome not in (Outcome.PENDING, Outcome.HOLD) or message.message_id not in state.changes:
                continue
            if self.stopping.is_set():
                return
            try:
                self._handle(message, state, now)
            except (NotAConfigMessage, MalformedItem) as error:
                self._poison(message, str(error))
            except (Throttled, AwsUnavailable, TagsUnknown) as error:
                # AWS is down or throttling everyone: never this message's fault, so it never costs a receive.
                message.outcome, message.why = Outcome.HOLD, str(error)
            except LedgerError:
                raise
            except (ItemUnavailable, PkgwhenError, ClientError, BotoCoreError) as error:
                message.outcome = Outcome.LEAVE
                log.warning("message %s: %s; it stays on the queue for another try", message.message_id, error)
            except Exception as error:  # one message's failure is that message's alone
                self._unexpected(message, error)

    def _poison(self, message: Received, why: str) -> None:
        message.outcome = Outcome.LEAVE
        log.error(
            "message %s cannot be read (%s); left on the queue for its redrive policy (receive %d)",
            message.message_id,
            why,
            message.receive_count,
        )

    def _unexpected(self, message: Received, error: Exception) -> None:
        message.outcome = Outcome.LEAVE
        log.error(
            "message %s failed unexpectedly (%s: %.200s); left on the queue for its redrive policy (receive %d)",
            message.message_id,
            type(error).__name__,
            error,
            message.receive_count,
            exc_info=not isinstance(error, RecursionError),
        )

    def _handle(self, message: Received, state: _Round, now: float) -> None:
        change = state.changes[message.message_id]
        if isinstance(change, Skip):
            log.debug("message %s skipped: %s via %s", message.message_id, change.detail, change.delivery.value)
            self._attach(message, None)
            return
        key = change.key
        if key in state.seen:
            self._attach(message, state.seen[key])
            return
        handled = self.ledger.handled(*key)
        if handled is not None:
            # A duplicate or a redelivery: done before, unless its post still has something to show.
            post = self._unfinished_post(state, handled.post_key)
            state.seen[key] = post.key if post is not None else None
            if post is not None:
                state.dirty.add(post.key)
            self._attach(message, state.seen[key])
            return
        current = self.source.current(change)
        previous = self.source.previous(current)
        tags = self.directory.known_tags(change.node_id)
        decision = decide(
            change,
            current,
            previous,
            routes=self.routes,
            watchlist=self.watchlist,
            post_noise=self.post_noise,
            tags=tags,
            label=ServerDirectory.label(change.node_id, tags, current),
        )
        if decision.channel is None:
            log.debug("%s %s: not posted: %s", change.node_id, change.state_id, decision.skip)
            skipped = ItemRecord.NO_CHANNEL if decision.skip and "routing" in decision.skip else ItemRecord.NOISE
            self.ledger.record_skip(*key, skipped, now)
            state.seen[key] = None
            self._attach(message, None)
            return
        post_key = self._place(state, decision, current, previous, now)
        state.seen[key] = post_key
        state.new_items.setdefault(post_key, []).append(key)
        self._attach(message, post_key)

    def _unfinished_post(self, state: _Round, key: str | None) -> AlertPost | None:
        """The post an item is in, when it is still open or has a post whose outcome is unknown."""
        if key is None:
            return None
        if key in state.posts:
            return state.posts[key]
        post = self.ledger.post(key)
        if post is None or not post.intents:
            return None
        state.posts[key] = post
        return post

    @staticmethod
    def _attach(message: Received, post_key: str | None) -> None:
        message.outcome = Outcome.POSTED if post_key is not None else Outcome.DELETE
        message.post_key = post_key

    def _place(
        self,
        state: _Round,
        decision: AlertDecision,
        current: InventorySnapshot,
        previous: InventorySnapshot | None,
        now: float,
    ) -> str:
        """Put the item in its post (the pure `place`), reading the items a widened span needs."""
        span = span_of(current.node_id, decision.label, current, previous)
        placement = place(state.posts.values(), decision, span, now)
        if placement.unchanged:
            return placement.post.key
        post, summary = placement.post, placement.summary
        if placement.widened is not None:
            widened = self._span_summary(placement.widened)
            if widened is None:
                # The span's items are gone from Config: the item gets a post of its own instead.
                placement = place(state.posts.values(), decision, span, now, merge=False)
                post, summary = placement.post, placement.summary
            else:
                summary = widened
                post = replace(post, signature=signature_key(summary))
        state.posts[post.key] = post
        if placement.joined_digest:
            state.summaries.setdefault(post.key, summary)
        else:
            state.summaries[post.key] = summary
        state.routes[post.key] = decision.route
        state.dirty.add(post.key)
        return post.key

    def _span_summary(self, span: PostedServer) -> ChangeSummary | None:
        head = self.source.snapshot(span.node_id, span.head_state, at(span.head_captured))
        base = self.source.snapshot(span.node_id, span.base_state, at(span.base_captured)) if span.base_state else None
        if head is None or (span.base_state is not None and base is None):
            return None
        return summarize(base, head, watchlist=self.watchlist)

    def _summary_of(self, state: _Round, post: AlertPost) -> ChangeSummary | None:
        if post.key not in state.summaries:
            summary = self._span_summary(post.servers[0])
            if summary is None:
                return None
            state.summaries[post.key] = summary
        return state.summaries[post.key]

    # --- Slack ----------------------------------------------------------------------------------------

    def _flush(self, state: _Round, keys: Iterable[str]) -> _Flushed:
        """Make Slack show these posts; say which did not get there, and why."""
        flushed = _Flushed()
        state.dirty.clear()
        now = self.clock()
        for key in sorted(keys, key=lambda k: state.posts[k].opened_at if k in state.posts else 0):
            post = state.posts.get(key)
            if post is None:
                continue
            broken = self._broken.get(post.channel)
            if self.stopping.is_set() or flushed.slack_down:
                # Slack is down (or the worker stops): the rest waits too, without a call each.
                flushed.waiting.add(key)
                continue
            if broken is not None and broken.next_try > now:
                flushed.parked.add(key)
                continue
            try:
                self._show(post, state)
            except SlackUnavailable as error:
                log.warning("Slack unavailable while posting to %s: %s", post.channel, error)
                flushed.waiting.add(key)
                flushed.slack_down = True
            except (Unsettled, SlackRateLimited) as error:
                log.info("alert %s waits: %s", key, error)
                flushed.waiting.add(key)
            except RouteBroken as error:
                self._route_broken(post, error, state.routes.get(key, ""))
                flushed.parked.add(key)
            except MissingScope as error:
                # Without the history scopes an unknown outcome cannot be checked: wait, never post blindly.
                text = (
                    f"Slack refuses {error.method} (missing_scope): add channels:history and groups:history to the "
                    "app (manifest.json) and reinstall it; alerts whose post had an unknown outcome wait"
                )
                if self.health.holding("scope", text):
                    log.error("%s", text)
                flushed.waiting.add(key)
            except SlackRejected as error:
                log.error("Slack refused an alert for %s (%s); its messages stay on the queue", post.channel, error)
                flushed.failed.add(key)
            except (Throttled, AwsUnavailable, TagsUnknown) as error:
                log.warning("an alert for %s waits for AWS: %s", post.channel, error)
                flushed.waiting.add(key)
            except LedgerError:
                raise
            except (ItemUnavailable, PkgwhenError, ClientError, BotoCoreError) as error:
                log.warning("could not render an alert for %s: %s", post.channel, error)
                flushed.failed.add(key)
            except Exception as error:  # one post's failure is that post's alone
                log.error("an alert for %s failed unexpectedly (%s: %s)", post.channel, type(error).__name__, error, exc_info=True)
                flushed.failed.add(key)
            else:
                if broken is not None:
                    self._route_fixed(broken)
        return flushed

    def _show(self, post: AlertPost, state: _Round) -> None:
        summary = self._summary_of(state, post)
        if summary is None:
            raise ItemUnavailable(f"the items of post {post.key} are no longer in Config's history")

        def keep(shown: AlertPost) -> None:
            # The round's copy follows the ledger's at every step, so a retry in this round sees each intent.
            state.posts[shown.key] = shown

        self.publisher.show(post, render_post(post, summary), state.new_items.get(post.key, []), keep)

    def _route_broken(self, post: AlertPost, error: RouteBroken, route: str) -> None:
        now = self.clock()
        broken = self._broken.get(post.channel)
        if broken is None:
            broken = _BrokenRoute(post.channel, route or "a route", error.error, now)
            self._broken[post.channel] = broken
            what = f"route {broken.route} → {post.channel}: Slack says {error.error}"
            todo = "invite the bot to the channel (/invite @pkgwhen) or fix PKGWHEN_ROUTES_FILE; its alerts are kept until then"
            log.error("alerts cannot be posted (%s); %s", what, todo)
            self.health.holding(f"route:{post.channel}", f"{what}; {todo}")
            self._notify(broken)
        broken.next_try = now + self.tuning.route_retry_s

    def _notify(self, broken: _BrokenRoute) -> None:
        """One notice in the default channel naming the route (at most once per episode, never retried)."""
        default = self.routes.default_channel
        if not default or default == broken.channel:
            return
        text = (
            f":warning: pkgwhen cannot post change alerts for *{broken.route}* to <#{broken.channel}>: Slack says "
            f"`{broken.error}`. Invite the bot there (`/invite @pkgwhen`) or fix the routes file; "
            "those alerts are kept and posted once it works."
        )
        try:
            self.poster.notice(default, text)
        except (SlackUnavailable, SlackRejected, SlackRateLimited) as error:
            log.warning("could not tell %s about the broken route: %s", default, error)

    def _route_fixed(self, broken: _BrokenRoute) -> None:
        del self._broken[broken.channel]
        self.health.cleared(f"route:{broken.channel}")
        log.info("alerts to %s (route %s) are posted again", broken.channel, broken.route)
