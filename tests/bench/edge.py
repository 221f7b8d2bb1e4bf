"""Benchmark: the Slack edge under load — many signed commands at once while every AWS call is slow.

Run: `.venv/bin/python -m tests.bench.edge` (100 `/pkgwhen` commands at once, 1 s per AWS call). Each
command is signed as Slack signs it and sent, from a process of its own, over real HTTP to the real Bolt
app; the figures are the time to each acknowledgement (the HTTP answer Slack waits at most 3 s for), and
when each command's answer arrived through its `response_url`. `--server gunicorn` serves the same WSGI
application with gunicorn's threaded worker instead of waitress (the comparison that chose waitress);
`--threads` sets either server's threads.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from bot.core.settings import Settings
from bot.runtime.app import build_app
from bot.runtime.services import build_services
from bot.sim.aws import Faults
from bot.sim.default_fleet import build_default_fleet
from bot.sim.workspace import OPS_CHANNEL, Shown, SimWorkspace, post_signed
from bot.slack.web import SLACK_PATH, THREADS, SlackHttpServer, pkgwhen_wsgi
from tests.serving import free_port

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

ROOT = Path(__file__).resolve().parents[2]

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


def under_load(workspace: SimWorkspace, count: int, answer_timeout: float, url: str) -> Run:
    """`count` signed `/pkgwhen` commands sent at once to the app at `url`; wait for every answer."""
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
    with multiprocessing.get_context("spawn").Pool(1) as senders:
        burst = senders.apply_async(send_burst, (url, bodies))
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


def with_stalled_bodies(events_url: str, stalled: int, timeout: float = 20.0) -> float | None:
    """Open `stalled` requests whose bodies never arrive, then time a `GET /healthz`: None if not answered."""
    split = urlsplit(events_url)
    address = (split.hostname or "127.0.0.1", split.port or 80)
    connections = []
    try:
        for _ in range(stalled):
            connection = socket.create_connection(address, timeout=timeout)
            connection.sendall(b"POST /slack/events HTTP/1.1\r\nHost: pkgwhen\r\nContent-Length: 1000\r\n\r\ncommand=")
            connections.append(connection)
        time.sleep(0.5)  # let the server take them all in
        started = time.time()
        try:
            with urllib.request.urlopen(f"http://{address[0]}:{address[1]}/healthz", timeout=timeout):
                return time.time() - started
        except OSError:
            return None
    finally:
        for connection in connections:
            connection.close()


def gunicorn_app() -> WSGIApplication:
    """The app as `pkgwhen serve` builds it, from the environment: what gunicorn loads in its worker."""
    return pkgwhen_wsgi(build_app(build_services(Settings.from_env(os.environ))))


def serve_waitress(port: int, threads: int) -> None:
    """The same app under waitress, as `pkgwhen serve` runs it, until this process is terminated."""
    app = build_app(build_services(Settings.from_env(os.environ)))
    SlackHttpServer(app, port=port, threads=threads).start()
    threading.Event().wait()


@contextmanager
def serving(server: str, workspace: SimWorkspace, threads: int) -> Iterator[str]:
    """The app served by `server` with `threads` threads in a process of its own, as the stand-ins are not:
    both servers get the interpreter to themselves. Yields its Slack URL."""
    port = free_port()
    command = {
        "waitress": ["-m", "tests.bench.edge", "--serve-waitress", str(port), "--threads", str(threads)],
        "gunicorn": ["-m", "gunicorn", "--worker-class", "gthread", "--workers", "1", "--threads", str(threads),
                     "--bind", f"127.0.0.1:{port}", "--backlog", "1024", "--log-level", "warning",
                     "tests.bench.edge:gunicorn_app()"],
    }[server]
    settings = workspace.settings
    with tempfile.TemporaryDirectory(prefix="pkgwhen-bench-") as state:
        env = {
            **os.environ,  # the workspace has pointed botocore at the AWS stand-in here
            "SLACK_BOT_TOKEN": settings.slack_bot_token,
            "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
            "SLACK_API_URL": settings.slack_api_url,
            "PKGWHEN_STATE_DIR": state,
            "PKGWHEN_AWS_MAX_ATTEMPTS": str(settings.aws_max_attempts),
        }
        process = subprocess.Popen([sys.executable, *command], cwd=ROOT, env=env)
        try:
            deadline = time.time() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                        break
                except OSError:
                    if time.time() > deadline or process.poll() is not None:
                        raise RuntimeError(f"{server} did not start") from None
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}{SLACK_PATH}"
        finally:
            process.terminate()
            process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--aws-latency-ms", type=float, default=1000.0)
    parser.add_argument("--answer-timeout", type=float, default=600.0, help="seconds to wait for every answer")
    parser.add_argument("--server", choices=["waitress", "gunicorn"], default="waitress")
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--serve-waitress", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_waitress:
        serve_waitress(args.serve_waitress, args.threads)
        return

    faults = Faults(latency_s=args.aws_latency_ms / 1000)
    with SimWorkspace(build_default_fleet(), faults=faults) as workspace, serving(
        args.server, workspace, args.threads
    ) as url:
        stalled = with_stalled_bodies(url, 3 * args.threads)
        run = under_load(workspace, args.commands, args.answer_timeout, url)
    acks = run.acks_s
    ok = sum(1 for s in run.statuses if s == 200)
    print(
        f"{args.commands} signed /pkgwhen commands at once over HTTP ({args.server}, {args.threads} threads), "
        f"every AWS call {args.aws_latency_ms:.0f} ms:"
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
    print(
        f"  with {3 * args.threads} requests whose bodies never arrive, GET /healthz: "
        + (f"answered in {stalled * 1000:.0f} ms" if stalled is not None else "not answered within 20 s")
    )
    met = ok == args.commands and percentile(acks, 0.99) <= 1.0 and run.unanswered == 0
    print(f"target (all acked, p99 <= 1 s, every one answered): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
