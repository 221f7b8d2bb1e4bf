"""The allocator limit pkgwhen sets at start-up, and the operator's own MALLOC_ARENA_MAX winning over it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = "from bot.runtime.memory import limit_malloc_arenas; print(limit_malloc_arenas())"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux's")
def test_two_arenas_unless_the_operator_set_malloc_arena_max() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    ours = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, check=True)
    theirs = subprocess.run(
        [sys.executable, "-c", CHECK], env={**env, "MALLOC_ARENA_MAX": "4"}, capture_output=True, text=True, check=True
    )
    assert (ours.stdout.strip(), theirs.stdout.strip()) == ("True", "False")
