"""The floor for `python -m landscape bench --browser`: a bare Streamlit page.

One 151x151 contour and one 101-point path, redrawn when its learning-rate
slider (the app's 31 stops) moves: what any Streamlit page pays for a change,
with none of the app's own work. Run by the bench beside the app, never served.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from landscape.settings import LR_STOPS

st.set_page_config(page_title="floor", layout="wide")
grid = np.linspace(-3, 3, 151)
w1, w2 = np.meshgrid(grid, grid)
z = np.log1p(0.5 * w1**2 + 2 * w2**2)  # a bowl; its cost is Plotly's, not ours
lr = st.select_slider(
    "Learning rate (log scale)", LR_STOPS, value=0.1, format_func=lambda v: f"{v:g}"
)
path = [np.array([-2.0, 2.0])]
for _ in range(100):  # gradient descent on 0.5 w1^2 + 2 w2^2
    w = path[-1]
    path.append(w - lr * np.array([w[0], 4 * w[1]]))
path = np.clip(np.array(path), -3, 3)
fig = go.Figure(go.Contour(x=grid, y=grid, z=z, ncontours=20))
fig.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers"))
fig.update_layout(height=620)
st.plotly_chart(fig)
