"""The network page's cached engine calls: runs, slices, lines, boundaries and
the line-up's best rates.

Keys are the data's Source and the frozen NetConfig, never arrays.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from landscape.net import api, boundary
from landscape.net.config import NetConfig
from landscape.net.slices import NetSlice
from ui.cache import Source, get_dataset


@st.cache_data(max_entries=32, show_spinner=False)
def get_net_run(source: Source, cfg: NetConfig) -> api.NetRun:
    return api.train(get_dataset(source), cfg)


@st.cache_data(max_entries=32, show_spinner=False)
def get_net_slice(
    source: Source, cfg: NetConfig, plane: str, grid: int, span, dseed: int
) -> NetSlice:
    return api.slice_run(get_net_run(source, cfg), plane, grid, span, dseed)


@st.cache_data(max_entries=32, show_spinner=False)
def get_start_to_end(source: Source, cfg: NetConfig) -> tuple[np.ndarray, np.ndarray]:
    return api.start_to_end(get_net_run(source, cfg))


@st.cache_data(max_entries=256, show_spinner=False)
def get_boundary(source: Source, cfg: NetConfig, step: int) -> boundary.Boundary:
    """P(class 1) over the data's input box at the run's weights of `step`."""
    run = get_net_run(source, cfg)
    x1, x2 = boundary.input_box(run.data)
    return boundary.decision(cfg.arch, run.params[step], x1, x2, step)


@st.cache_data(max_entries=32, show_spinner=False)
def get_between(
    source: Source, a: NetConfig, b: NetConfig
) -> tuple[np.ndarray, np.ndarray]:
    """The loss on the line from run a's final weights to run b's."""
    return api.between(get_net_run(source, a), get_net_run(source, b))


@st.cache_data(max_entries=64, show_spinner=False)
def get_net_best_rate(source: Source, cfg: NetConfig) -> float:
    """The line-up's rate for cfg's optimizer: the best of the rate grid."""
    return api.best_rate(get_dataset(source), cfg)
