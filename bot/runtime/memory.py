"""The process's memory allocator, set once at start-up.

glibc's malloc gives each thread that allocates its own arena (up to eight per core) and keeps what was
freed in each: pkgwhen's readers decode megabytes of JSON on eight threads at once, so a process's peak
grew with its threads rather than with what it held (measured: a 2-year daily history of a 2,000-package
server, about 110 MiB above the baseline with glibc's default, about 70 MiB with two arenas, no slower). Two arenas, unless the operator chose
otherwise with MALLOC_ARENA_MAX.
"""

from __future__ import annotations

import ctypes
import os
import sys

# mallopt's parameter for the number of arenas (glibc's malloc.h).
_M_ARENA_MAX = -8
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """True when glibc took the limit; False elsewhere (another libc, another platform, or set already)."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, arenas))
