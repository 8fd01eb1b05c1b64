"""landscape: watch TensorFlow's optimizers move over the true loss surface.

Two pages, each in ui/ (Streamlit) computing through landscape/ (no Streamlit):
the two-weight explorer (ui/explorer.py) and the small network (ui/network/).
"""

from __future__ import annotations

import sys

import streamlit as st

# A fresh server imports TensorFlow and compiles (ui/serve.py starts this at
# server start-up): say so at once instead of a blank page.
PRELOAD = {
    "data": [{"type": "scatter", "x": [], "y": []}],
    "layout": {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
               "xaxis": {"visible": False}, "yaxis": {"visible": False}},
}  # fmt: skip
starting = st.empty()
if "landscape.trainer" not in sys.modules:
    with starting.container():
        st.info(
            "Starting TensorFlow and compiling the first runs: about 10 s, once "
            "per server."
        )
        # A blank 10-pixel chart, so the browser fetches and compiles Plotly's
        # 4.7 MB chart code while the server starts, not after the first real
        # chart arrives (measured on a fresh server: requested 4.8 s after the
        # page opened, drawn 1.2 s after it came).
        st.plotly_chart(PRELOAD, config={"staticPlot": True}, key="plotly_preload")

from ui import admission, cache  # noqa: E402

# Each page is a script in ui/pages/ (so AppTest can switch to it), calling
# its main() in ui/.
pages = st.navigation(
    [
        st.Page("ui/pages/two_weights.py", title="Two weights", default=True),
        st.Page("ui/pages/network.py", title="Small network", url_path="network"),
    ]
)
starting.empty()
with admission.run_slot():  # at most one computing run per core (ui/admission.py)
    pages.run()
cache.freeze_heap()
