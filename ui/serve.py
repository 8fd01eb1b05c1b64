"""`python -m ui.serve [streamlit options]`: the app, warmed as the server starts.

Streamlit runs the page only when a browser connects, so a fresh server's first
visitor used to wait for TensorFlow's import and the first compiles. This starts
landscape.warmup in a thread of the server process, then Streamlit's own
command line (`streamlit run app.py ...`); sessions share what it compiled.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
PAUSE = 20.0  # seconds the lessons' warm-up waits for a first page at most


def _warm() -> None:
    from landscape import warmup
    from ui import admission

    # The lessons wait for the first page (at most PAUSE seconds): a fresh
    # server's first visitor then does not share the cores with their compiles.
    def pause() -> None:
        admission.WARM.set()  # the default page is compiled
        admission.FIRST_PAGE.wait(timeout=PAUSE)

    try:
        warmup.warm(
            log=lambda line: print(line, file=sys.stderr, flush=True), pause=pause
        )
    except Exception as e:  # noqa: BLE001 - a failed warm-up only costs time
        print(f"landscape: warm-up skipped: {e}", file=sys.stderr, flush=True)


def _keep_tensorflow_state() -> None:
    """Stop Streamlit's per-run keras.backend.clear_session().

    After every script run Streamlit clears Keras's session, for apps that build
    Keras models in the script. For this app, which builds none, that only
    costs: it resets TensorFlow's default graph, empties the eager kernel cache
    that every session's runs share, and runs a full gc.collect() holding the
    GIL. py-spy under the load test saw it hold the GIL for 8% of the samples,
    all while the event loop waited to answer.
    """
    from streamlit.runtime.scriptrunner import script_runner

    script_runner._clean_problem_modules = lambda: None


def _import_whole_before_pages() -> None:
    """numpy and pandas, whole, before any page runs.

    Plotly looks them up in sys.modules without importing them
    (`optional_imports.get_module(name, should_load=False)`). While the
    warm-up thread's TensorFlow import was half-way through pandas, a first
    page's chart (app.py's preload) read the half-made module and the page
    failed: "partially initialized module 'pandas' has no attribute 'Series'",
    on 2 of 6 fresh servers. Importing them here (about 0.35 s, before the
    server answers) leaves nothing half-made for a page to see.
    """
    import numpy  # noqa: F401
    import pandas  # noqa: F401


def main() -> None:
    _keep_tensorflow_state()
    _import_whole_before_pages()
    threading.Thread(target=_warm, name="landscape-warmup", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
