"""The start-up warm-up compiles what the default page and every lesson train."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse

from landscape import links
from landscape.data.presets import make_dataset
from landscape.lessons import LESSONS
from tests.helpers import ROOT

# A fresh process, so the engines seen are the ones warm() itself compiled.
# The pause (the server waits there for its first page) comes once, with only
# the default page's engine compiled.
CHILD = (
    "import json; from landscape import trainer, warmup; paused = []; "
    "keys = lambda: sorted(trainer.engine_keys()); "
    "warmup.warm(log=print, pause=lambda: paused.append(keys())); "
    "print(json.dumps(paused)); print(json.dumps(keys()))"
)


def test_warm_up_compiles_every_engine_the_first_pages_need():
    out = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True,
        timeout=300, check=True,
    ).stdout.splitlines()  # fmt: skip
    compiled = {tuple(k) for k in json.loads(out[-1])}
    assert json.loads(out[-2]) == [[["sgd", "cross_entropy", "classification"]]]
    assert out[-3].startswith(f"landscape: warmed {len(compiled)} engines in ")
    needed = set()
    for query in [{}] + [urllib.parse.parse_qs(lesson.query) for lesson in LESSONS]:
        state, warnings = links.parse_query(query)
        assert warnings == []
        task = make_dataset(state.dataset).task
        needed |= {(p.optimizer, state.loss, task) for p in (state.live, *state.pins)}
    assert needed == compiled
    assert len(needed) >= 6  # sgd, momentum, adam and the course's TF1 ones
