"""At most as many script runs compute at once as the server has cores.

Streamlit runs each session's script in a thread of one process, and all of
them share one GIL with the event loop that answers websockets and
/_stcore/health. Thirty runnable script threads make the loop wait its turn
for the GIL after every poll (CPython hands the GIL over every 5 ms, to any
waiter), which the load test measured as health answers of several seconds.
Runs beyond the cores cannot go faster anyway; queued here, they leave the
loop a short queue for the GIL.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

SLOTS = max(1, len(os.sched_getaffinity(0)))
_RUNS = threading.BoundedSemaphore(SLOTS)
# Set when the server's first page run has ended (ui/serve.py's warm-up waits
# for it before compiling the lessons).
FIRST_PAGE = threading.Event()
# Set once this process has computed a page: the start-up warm-up's default
# page (ui/serve.py) or any page run. Until then app.py says the server is
# starting and sends its preload chart. (It tested "landscape.trainer" in
# sys.modules, which is there from the moment the warm-up *begins* importing
# it: on a fresh server the message and the preload came or not by a race,
# and without the preload the browser fetched Plotly's chart code 2.8 s later.)
WARM = threading.Event()


@contextlib.contextmanager
def run_slot() -> Iterator[None]:
    """Hold one of the SLOTS while the page computes; wait for one if none."""
    try:
        with _RUNS:
            yield
    finally:
        WARM.set()
        FIRST_PAGE.set()
