"""Benchmark: the Slack edge under load — many signed commands at once while every AWS call is slow.

Run: `.venv/bin/python -m tests.bench.edge` (100 `/pkgwhen` commands at once, 1 s per AWS call). Each
command is signed as Slack signs it and sent over real HTTP to the real Bolt app; the figures are the time
to each acknowledgement (the HTTP answer Slack waits at most 3 s for), and when each command's answer
arrived through its `response_url`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.sim.aws import Faults
from bot.sim.default_fleet import build_default_fleet
from bot.sim.workspace import OPS_CHANNEL, Shown, SimWorkspace, post_signed

# Questions the default fleet can answer, asked round-robin: different servers, so answers read AWS.
QUESTIONS = ("web-1 openssl", "app-1 openssl", "win-app-1 KB5005033", "db-onprem-01 openssl", "i-0ab7f3e9c2d4b6a81 curl")


@dataclass(frozen=True)
class Run:
    acks_s: list[float]  # time to each HTTP answer, in the order sent
    statuses: list[int]
    answers_s: list[float]  # time from the first send to each command's final answer
    unanswered: int
    last_ack_s: float  # from the first send


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _answered(workspace: SimWorkspace, response_url: str) -> bool:
    replies = workspace.slack.replies(response_url)
    return bool(replies) and not Shown(replies[-1].text, tuple(replies[-1].blocks)).progress


def send_burst(url: str, bodies: list[str]) -> tuple[float, list[tuple[int, float]]]:
    """In a process of its own, as Slack is: POST every body at once; when they left, each status and ack time."""
    barrier = threading.Barrier(len(bodies) + 1)

    def send(body: str) -> tuple[int, float]:
        barrier.wait()
        started = time.time()
        status, _ = post_signed(url, body)
        return status, time.time() - started

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        futures = [pool.submit(send, body) for body in bodies]
        barrier.wait()
        start = time.time()
        return start, [f.result() for f in futures]


def under_load(workspace: SimWorkspace, count: int, answer_timeout: float, url: str | None = None) -> Run:
    """`count` signed `/pkgwhen` commands sent at once to `url` (the workspace's app); wait for every answer."""
    urls = [workspace.slack.new_response_url(OPS_CHANNEL, "U0ALICE") for _ in range(count)]
    bodies = [
        urlencode(
            {
                "command": "/pkgwhen",
                "text": QUESTIONS[i % len(QUESTIONS)],
                "user_id": "U0ALICE",
                "channel_id": OPS_CHANNEL,
                "team_id": "T0PKGWHEN",
                "trigger_id": f"bench.{i}.{time.time_ns()}",
                "response_url": response_url,
            }
        )
        for i, response_url in enumerate(urls)
    ]
    assert workspace.http is not None
    with multiprocessing.get_context("spawn").Pool(1) as senders:
        burst = senders.apply_async(send_burst, (url or workspace.http.events_url, bodies))
        answered_at: dict[int, float] = {}
        deadline = time.time() + answer_timeout
        while len(answered_at) < count and time.time() < deadline:
            for i, response_url in enumerate(urls):
                if i not in answered_at and _answered(workspace, response_url):
                    answered_at[i] = time.time()
            time.sleep(0.05)
        start, results = burst.get(timeout=60)
    return Run(
        acks_s=[latency for _, latency in results],
        statuses=[status for status, _ in results],
        answers_s=sorted(t - start for t in answered_at.values()),
        unanswered=count - len(answered_at),
        last_ack_s=max(latency for _, latency in results),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--aws-latency-ms", type=float, default=1000.0)
    parser.add_argument("--answer-timeout", type=float, default=600.0, help="seconds to wait for every answer")
    args = parser.parse_args()

    faults = Faults(latency_s=args.aws_latency_ms / 1000)
    with SimWorkspace(build_default_fleet(), faults=faults) as workspace:
        run = under_load(workspace, args.commands, args.answer_timeout)
    acks = run.acks_s
    ok = sum(1 for s in run.statuses if s == 200)
    print(
        f"{args.commands} signed /pkgwhen commands at once over HTTP, every AWS call {args.aws_latency_ms:.0f} ms:"
    )
    print(
        f"  acks: {ok}/{args.commands} HTTP 200; p50 {statistics.median(acks) * 1000:.0f} ms, "
        f"p99 {percentile(acks, 0.99) * 1000:.0f} ms, max {max(acks) * 1000:.0f} ms; "
        f"over 1 s: {sum(1 for a in acks if a > 1)}, over Slack's 3 s: {sum(1 for a in acks if a > 3)}"
    )
    answered = len(run.answers_s)
    if run.answers_s:
        print(
            f"  answers: {answered}/{args.commands}; first after {run.answers_s[0]:.1f} s, "
            f"median {statistics.median(run.answers_s):.1f} s, last {run.answers_s[-1]:.1f} s "
            f"(last ack at {run.last_ack_s:.2f} s)"
        )
    else:
        print(f"  answers: 0/{args.commands}")
    met = ok == args.commands and percentile(acks, 0.99) <= 1.0 and run.unanswered == 0
    print(f"target (all acked, p99 <= 1 s, every one answered): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
