"""What a fresh server's first visitors see while it starts.

Imports only Streamlit and ui.admission: app.py calls it before anything that
imports TensorFlow (which the start-up warm-up may be importing then).
"""

from __future__ import annotations

import streamlit as st

from ui import admission

MESSAGE = (
    "Starting TensorFlow and compiling the first runs: a few seconds, once per server."
)
# A blank 10-pixel chart, so the browser fetches and compiles Plotly's 4.7 MB
# chart code while the server starts, not after the first real chart arrives
# (measured on a fresh server: requested at 4.8 s without it, at 2.1 s with it).
PRELOAD = {
    "data": [{"type": "scatter", "x": [], "y": []}],
    "layout": {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
               "xaxis": {"visible": False}, "yaxis": {"visible": False}},
}  # fmt: skip


def notice(slot) -> None:
    """Until this process has computed a page (admission.WARM): say in slot
    (an st.empty, emptied by app.py once the page has run) that the server is
    starting, and send the preload chart."""
    if admission.WARM.is_set():
        return
    with slot.container(key="landscape-starting"):
        # Over the page, not in its flow: a notice in the flow pushed the first
        # page's charts down until the run ended, so they jumped up 46 px just
        # after they were drawn (on fresh servers: the contour's plot area at
        # 320, then 274 px from the top; the last 8 px to 266 were late widget
        # code, see ui.layout.page_css). Fixed text only (tests/
        # test_security.py): st.html is given a literal.
        st.html(
            "<style>[data-testid=stLayoutWrapper]:has(>.st-key-landscape-starting)"
            "{position:fixed;top:3.75rem;left:50%;transform:translateX(-50%);"
            "width:min(40rem,90vw);z-index:999990}</style>"
        )
        st.info(MESSAGE)
        st.plotly_chart(PRELOAD, config={"staticPlot": True}, key="plotly_preload")
