"""ui/admission: no more script runs compute at once than there are slots."""

from __future__ import annotations

import threading
import time

from ui import admission


def test_runs_beyond_the_slots_wait_their_turn():
    inside, most, lock = 0, 0, threading.Lock()

    def page() -> None:
        nonlocal inside, most
        with admission.run_slot():
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=page) for _ in range(3 * admission.SLOTS + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert most == admission.SLOTS and inside == 0
