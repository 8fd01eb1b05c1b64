"""The teaching panels: lessons, optimizer internals, the TensorFlow code, links.

The maths and the generated script come from landscape.internals and
landscape.codegen.
"""

from __future__ import annotations

import urllib.parse

import numpy as np
import streamlit as st

from landscape import codegen, framing, internals, lessons, links, optimizers
from landscape.figures import Arrow, RunView
from landscape.internals.base import tex
from landscape.summary import number
from ui.session import KEEP, Key

STEP_KEY = Key.STEP  # tests and the contour click set it


# --- lessons ----------------------------------------------------------------
def _apply_lesson(key: str, load_state) -> None:
    parsed, _ = links.parse_query(links.lesson_query(key))
    load_state(parsed)
    st.session_state[Key.LESSON] = key
    st.session_state[STEP_KEY] = 1


def render_lessons(load_state) -> None:
    """One click each: the lesson's settings, runs and a short text."""
    with st.sidebar.expander("Lessons", expanded=False):
        for lesson in lessons.LESSONS:
            st.button(
                lesson.title,
                key=f"lesson_{lesson.key}",
                width="stretch",
                on_click=_apply_lesson,
                args=(lesson.key, load_state),
            )


def render_lesson_text() -> None:
    key = st.session_state.get(Key.LESSON)
    if key in lessons.BY_KEY:
        lesson = lessons.BY_KEY[key]
        st.info(f"**{lesson.title}.** {lesson.text}")


# --- optimizer internals ----------------------------------------------------
def shown_step(run: RunView) -> int:
    """The step the internals panel shows, clamped to the run; 0 for no steps."""
    last = len(run.trajectory.gradients)
    return min(max(int(st.session_state.get(STEP_KEY, 1)), 1), last)


def chosen_step(run: RunView) -> int:
    """shown_step, written back before the slider is drawn (a link's step may
    lie beyond the run)."""
    k = shown_step(run)
    if k:
        st.session_state[STEP_KEY] = k
    return k


def arrows(run: RunView, key: str, params: dict, k: int, box) -> list[Arrow]:
    """The gradient (scaled to be seen), momentum's push and the actual update."""
    if k == 0:
        return []
    e = internals.explain(key, run.trajectory, k, params)
    w, g = e.numbers["w"], e.numbers["g"]
    span = float(np.hypot(box[1] - box[0], box[3] - box[2]))
    norm = float(np.hypot(*g))
    out = []
    if norm > 0:
        scale = 0.12 * span / norm
        out.append(Arrow(w, w + scale * g, "#D55E00", f"gradient g (×{scale:.3g})"))
    if key in ("momentum", "nesterov") and "velocity" in e.numbers:
        push = optimizers.get(key).resolve(params)["momentum"] * e.numbers["velocity"]
        if np.hypot(*push) > 0:
            out.append(Arrow(w, w + push, "#0072B2", "momentum μv"))
    out.append(Arrow(w, run.trajectory.weights[k], "#000000", "update Δw"))
    return [_clipped(a, box) for a in out if framing.inside(box, np.array([w]))[0]]


def _clipped(arrow: Arrow, box) -> Arrow:
    """An arrow that would run off the chart (a diverging step) ends at its edge."""
    found = framing.exit_point(box, np.array([arrow.start, arrow.end]))
    if found is None:
        return arrow
    return Arrow(arrow.start, found[1], arrow.color, arrow.label + " (off the chart)")


def render_internals(run: RunView, key: str, params: dict, quadratic=None) -> None:
    """The chosen step: the rule, the same rule with numbers, the state, and
    the curvature where the step starts (quadratic: (w, H) or None)."""
    last = len(run.trajectory.gradients)
    if last == 0:
        st.caption("This run has no steps to explain.")
        return
    if last > 1:  # one step leaves nothing to choose (a slider needs min < max)
        st.slider(
            "Step",
            1,
            last,
            key=STEP_KEY,
            persist_state=KEEP,
            help="The arrows on the contour show this step of the live run.",
        )
    k = shown_step(run)
    e = internals.explain(key, run.trajectory, k, params)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{optimizers.get(key).label}: the rule**")
        for line in e.rule:
            st.latex(line)
    with right:
        rows = [
            {"quantity": name, "value": _plain(value)}
            for name, value in e.numbers.items()
        ]
        st.dataframe(rows, hide_index=True, width="stretch")
    # Full width: a rule filled with two-vectors is long.
    st.markdown(f"**Step {k} with its numbers** (η = {e.numbers['eta']:.6g})")
    st.latex(rf"g = {internals.vec(e.numbers['g'])}")
    for line in e.filled:
        st.latex(line)
    st.caption(f"Recorded by TensorFlow: w = {_plain(run.trajectory.weights[k])}")
    if quadratic is not None:
        render_curvature(quadratic[1], e.numbers["eta"], key)


def render_curvature(h, eta: float, key: str) -> None:
    """This step's Hessian and eigenvalues, and its rate against 2/λmax (the
    ellipse and axes on the contour are the same quadratic)."""
    (a, b), (_, c) = np.asarray(h, np.float64)
    low, high = np.linalg.eigvalsh(h)
    st.markdown("**The curvature where this step starts** (the ellipse on the contour)")
    a, b, c, low, high = (tex(v) for v in (a, b, c, low, high))
    st.latex(
        rf"H = \begin{{pmatrix}} {a} & {b} \\ {b} & {c} \end{{pmatrix}},\quad "
        rf"\lambda_{{min}} = {low},\ \lambda_{{max}} = {high}"
    )
    low, high = np.linalg.eigvalsh(h)
    if high > 0 and key in ("sgd", "tf1_gradient_descent"):
        limit = 2 / high
        side = "below" if eta < limit else "above"
        st.caption(
            f"Here 2/λmax = {number(limit, 4)}: this step's η = {number(eta, 4)} is "
            f"{side} it, so along the steep axis the step "
            + ("shrinks the distance." if side == "below" else "overshoots and grows.")
        )


def _plain(value) -> str:
    """A number or a 2-vector as people write it: (0.25, 1.32986 × 10⁻⁶)."""
    a = np.atleast_1d(np.asarray(value, np.float64))
    text = [number(v, 6) for v in a]
    return f"({', '.join(text)})" if a.size > 1 else text[0]


# --- the TensorFlow code ----------------------------------------------------
def render_code(data, runs: list[RunView], configs: list, source: str) -> None:
    """A script per run that reproduces it exactly, to copy or download.

    Runs are chosen by position: two pins can share a label (it leaves out the
    start and hyperparameters) and must still get their own scripts.
    """
    i = st.selectbox(
        "Run",
        range(len(runs)),
        key=Key.CODE_RUN,
        format_func=lambda i: f"{i + 1}. {runs[i].label}",
    )
    cfg, label = configs[i], runs[i].label
    text = codegen.script(data, cfg, source, label)
    st.download_button(
        "Download the script",
        text,
        file_name=f"{cfg.optimizer}_run.py",
        mime="text/x-python",
        key="code_download",
    )
    # st.code has its own copy button.
    st.code(text if len(text) < 60_000 else _shorten(text), language="python")


def _shorten(text: str) -> str:
    """A long data block is cut in the page; the download has all of it."""
    head, sep, rest = text.partition("x = np.array([")
    body, sep2, tail = rest.partition("], dtype=np.float32)")
    rows = body.split("\n")
    shown = "\n".join(rows[:12] + ["    # ... (the download has every row)"])
    return head + sep + shown + sep2 + tail


# --- lesson links -----------------------------------------------------------
def render_lesson_link(query: dict) -> None:
    """A link that opens these settings with chosen controls hidden.

    Built only while open (a stateful expander reruns when toggled): its
    st.code made every first page load and run Streamlit's 1.56 MB syntax
    highlighter (measured in Chromium's resource timing and CPU profile:
    0.36 s of main-thread time on a cold load), for a panel that starts closed.
    """
    box = st.sidebar.expander("Lesson link", key=Key.LINK_OPEN, on_change="rerun")
    if not box.open:
        return
    with box:
        hide = st.multiselect(
            "Hide these controls",
            links.HIDEABLE,
            default=[c for c in links.HIDEABLE if c != "lr"],
            key=Key.LINK_HIDE,
        )
        params = dict(query) | {"hide": ",".join(hide)}
        # The page's own address (None in tests and scripts: a relative link).
        page = (st.context.url or "").split("?")[0]
        st.code(f"{page}?{urllib.parse.urlencode(params, doseq=True)}", language=None)
        st.caption(
            "Copy it with the button at the code's corner: students who open it "
            "see only what you left."
        )
