"""What a fresh server's first visitors see while it starts.

Imports only Streamlit and ui.admission: app.py calls it before anything that
imports TensorFlow (which the start-up warm-up may be importing then).
"""

from __future__ import annotations

import streamlit as st

from ui import admission

MESSAGE = (
    "Starting TensorFlow and compiling the first runs: about 10 s, once per server."
)
# A blank 10-pixel chart, so the browser fetches and compiles Plotly's 4.7 MB
# chart code while the server starts, not after the first real chart arrives
# (measured on a fresh server: requested at 4.8 s without it, at 2.1 s with it).
PRELOAD = {
    "data": [{"type": "scatter", "x": [], "y": []}],
    "layout": {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
               "xaxis": {"visible": False}, "yaxis": {"visible": False}},
}  # fmt: skip


def notice() -> bool:
    """Until this process has computed a page (admission.WARM): say that the
    server is starting, and send the preload chart. Returns whether it did."""
    if admission.WARM.is_set():
        return False
    st.info(MESSAGE)
    st.plotly_chart(PRELOAD, config={"staticPlot": True}, key="plotly_preload")
    return True
