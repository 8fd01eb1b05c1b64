"""The panels under the charts: optimizer internals, exports, the TensorFlow code."""

from __future__ import annotations

import streamlit as st

from landscape import api, figures
from landscape.settings import ExplorerState
from landscape.surface import Surface
from ui import cache, exports, teaching
from ui.data import describe_source
from ui.runs import live_run, run_configs, slots
from ui.session import KEEP, Key, shown


def comparison(current, source, data, runs, surf: Surface) -> api.Comparison:
    """The runs drawn, as the library's Comparison that every export is made from."""
    if source.upload:
        settings = api.data_settings(data, file=st.session_state[Key.UPLOAD][1])
    else:
        settings = api.data_settings(
            data,
            preset=source.preset,
            samples=source.samples,
            noise=source.noise,
            seed=source.seed,
        )
    configs = tuple(run_configs(current, runs))
    return api.Comparison(data, current.loss, surf, tuple(runs), configs, settings)


def render_internals(current: ExplorerState, runs, classroom: bool, quadratic) -> None:
    """The live run's chosen step, by the numbers: under the contour, beside the
    arrows it explains."""
    live = live_run(runs)
    if not shown("internals") or live is None:
        return
    # Built only while open (a stateful expander reruns when toggled): its
    # st.latex and st.dataframe made every first page load fetch and run KaTeX
    # (265 KB + fonts) and the DataFrame's chunks (1.2 MB) for a closed panel.
    # The step it explains stays in the session (Key.STEP, persist_state), so
    # the contour's arrows keep it while the panel is closed. An expander has
    # no persist_state: whether it is open is copied to a plain key, which
    # outlives a visit to the other page, and is its default when it returns.
    box = st.expander(
        "Optimizer internals: one step, by the numbers",
        expanded=st.session_state.get(Key.INTERNALS_KEPT, classroom),
        key=Key.INTERNALS_OPEN,
        on_change=_keep_internals_open,
    )
    if box.open:
        with box:
            teaching.render_internals(
                live, current.optimizer, dict(current.params), quadratic
            )


def _keep_internals_open() -> None:
    st.session_state[Key.INTERNALS_KEPT] = st.session_state[Key.INTERNALS_OPEN]


def render_sharpness(current: ExplorerState, source, runs, classroom: bool) -> None:
    """λmax of the Hessian at every step (P⁻¹H for the Adam family), against the
    sharpness above which that step's rate is unstable (2/lr for gradient
    descent): full-batch training drifts up to it (Cohen et al. 2021)."""
    pins = dict(slots(current))
    curves = [cache.get_sharpness(source, current.loss, pins[r.slot]) for r in runs]
    theme = figures.CLASSROOM if classroom else figures.SCREEN
    live = live_run(runs)
    step = teaching.shown_step(live) if live is not None else None
    fig = figures.sharpness_figure(runs, curves, theme, step=step or None)
    st.plotly_chart(fig, key="sharpness", width="stretch")
    st.caption(
        "Sharpness per step: the exact Hessian's largest eigenvalue along each "
        "path (for Adam-like optimizers, that of P⁻¹H with P their own "
        "preconditioner); dotted, the limit the step's rate sets, 2/lr for "
        "gradient descent. Above it, a step overshoots along the steep direction."
    )


def render_panels(
    current: ExplorerState, source: cache.Source, data, runs, surf, classroom: bool
) -> None:
    if surf is None or not runs:
        return
    with st.expander(
        "Sharpness along the runs: the edge of stability",
        expanded=bool(st.session_state.get(Key.SHARPNESS_ON)),  # on from a link
    ):
        # Only on request: an expander's body runs on every rerun, closed or not.
        if st.toggle(
            "Compute the curvature along every run",
            key=Key.SHARPNESS_ON,
            persist_state=KEEP,
        ):
            render_sharpness(current, source, runs, classroom)
    with st.expander("Export: PNG, SVG, HTML, GIF, MP4, CSV, JSON"):
        exports.render_exports(comparison(current, source, data, runs, surf), classroom)
    if shown("code"):
        with st.expander("Show the TensorFlow code"):
            render_code_panel(data, runs, run_configs(current, runs), source)


@st.fragment
def render_code_panel(data, runs, configs, source: cache.Source) -> None:
    """A fragment: the toggle and the run's choice rerun only this panel."""
    # Only on request: the script embeds the data, and an expander's body
    # runs on every rerun even while it is closed.
    if st.toggle("Write the script for a run", key=Key.CODE_ON):
        teaching.render_code(data, runs, configs, describe_source(source))
