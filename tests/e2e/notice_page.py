"""A Streamlit page for tests/e2e: the starting notice (ui.starting) over a
chart, removed once the chart has been drawn, as on a fresh server's first
page (app.py empties its slot when the page has run)."""

import time

import streamlit as st

from ui import admission, starting

admission.WARM.clear()  # this process as a server that has computed no page
slot = st.empty()
starting.notice(slot)
LINE = {"type": "scatter", "x": [0, 1], "y": [0, 1]}
st.plotly_chart({"data": [LINE], "layout": {"height": 300}}, key="below")
time.sleep(4)  # the chart is drawn under the notice meanwhile
slot.empty()
