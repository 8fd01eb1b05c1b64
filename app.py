"""landscape: watch TensorFlow's optimizers move over the true loss surface.

Two pages, each in ui/ (Streamlit) computing through landscape/ (no Streamlit):
the two-weight explorer (ui/explorer.py) and the small network (ui/network/).
"""

from __future__ import annotations

import streamlit as st

import ui.starting
from ui import admission

# A fresh server imports TensorFlow and compiles (ui/serve.py starts this at
# server start-up): say so at once instead of a blank page.
starting = st.empty()
ui.starting.notice(starting)

from ui import cache  # noqa: E402

# Each page is a script in ui/pages/ (so AppTest can switch to it), calling
# its main() in ui/.
pages = st.navigation(
    [
        st.Page("ui/pages/two_weights.py", title="Two weights", default=True),
        st.Page("ui/pages/network.py", title="Small network", url_path="network"),
    ]
)
try:
    with admission.run_slot():  # at most one computing run per core (ui/admission.py)
        pages.run()
finally:
    starting.empty()  # the notice (over the page) stays until the page has run
cache.freeze_heap()
