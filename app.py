"""landscape: watch TensorFlow's optimizers move over the true loss surface."""

from __future__ import annotations

import gc
import hashlib
import re
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from landscape import (
    figures,
    framing,
    optimizers,
    state,
    summary,
    surface,
    trainer,
)
from landscape.config import SCHEDULE_HELP, SCHEDULES
from landscape.data import presets
from landscape.figures import animation
from landscape.losses import LOSSES
from landscape.state import MAX_RUNS, ExplorerState, Pin
from ui import exports, teaching

GRID = 151
LOSS_LABELS = {
    "cross_entropy": "Cross-entropy",
    "mse": "L2 (mean squared error)",
    "mae": "L1 (mean absolute error)",
}
LR_STOPS = sorted(
    {round(m * 10.0**e, 6) for e in range(-4, 1) for m in (1, 1.5, 2, 3, 5, 7)} | {10.0}
)
DEFAULT_LINEUP = ["sgd", "momentum", "rmsprop", "adam"]
LR_HINT = "Usually between 0.001 and 0.1: too large overshoots, too small is slow."
NO_CROSS_ENTROPY = (
    "Cross-entropy is not offered: it needs labels that are all 0 or 1, "
    "and this data set's labels are other numbers (regression)."
)


@dataclass(frozen=True)
class Source:
    """Where the data comes from: a preset with its knobs, or an upload's hash."""

    preset: str
    samples: int
    noise: float | None
    seed: int
    upload: str = ""  # sha256 of the uploaded bytes


# --- cached engine calls (frozen dataclasses hash field by field) -----------
def md(text: str) -> str:
    """User text (a URL value, a file or column name) safe for Streamlit Markdown.

    The characters that open links, images, tags, code, bold, LaTeX and tables
    are escaped, so they show as the characters they are. Underscores inside
    names (beta_1) cannot emphasise in CommonMark and stay readable.
    """
    return re.sub(r"([\\`*\[\]<>!#|~$])", r"\\\1", str(text))


@st.cache_data(max_entries=64, show_spinner=False)
def get_dataset(source: Source) -> presets.Dataset:
    if source.upload:
        # Kept in the uploading session only (freed with it): cached here under
        # the file's hash, so every session with the same file shares one copy.
        sha, data = st.session_state.upload_data
        if sha != source.upload:
            raise ValueError("that upload is no longer in this session")
        return data
    return presets.make_dataset(
        source.preset, source.samples, source.noise, source.seed
    )


@st.cache_data(max_entries=512, show_spinner=False)
def get_run(source: Source, loss: str, pin: Pin) -> trainer.Trajectory:
    return trainer.run(get_dataset(source), state.run_config(pin, loss, source.seed))


@st.cache_data(max_entries=64, show_spinner=False)
def get_surface(source: Source, loss: str, box: framing.Box) -> surface.Surface:
    return surface.loss_surface(get_dataset(source), loss, box[:2], box[2:], GRID)


@st.cache_data(max_entries=64, show_spinner=False)
def get_minimum(source: Source, loss: str, start: tuple[float, float]):
    return framing.estimate_minimum(get_dataset(source), loss, start)


# --- state: URL -> session on first load, session -> URL on every run -------
def init_session() -> None:
    """Read the URL once per session into the widgets' keys."""
    if "explorer" in st.session_state:
        return
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    parsed, warnings = state.parse_query(query)
    view, view_warnings = state.parse_view(query)
    st.session_state.view_state = view
    st.session_state.classroom = view.classroom
    st.session_state.lesson = view.lesson
    st.session_state.url_warnings = warnings + view_warnings
    load_state(parsed)


def load_state(parsed: ExplorerState) -> None:
    """Put a state (from a URL or a lesson) into the widgets' keys."""
    if parsed.dataset == state.UPLOAD and "upload" not in st.session_state:
        st.session_state.url_warnings.append(
            "URL parameter dataset='upload' needs a file uploaded in "
            "this browser; using 'blobs' instead."
        )
        parsed = replace(parsed, dataset="blobs")
    st.session_state.explorer = parsed
    for name in ("dataset", "samples", "seed", "loss", "optimizer", "steps", "w1",
                 "w2", "schedule"):  # fmt: skip
        st.session_state[f"in_{name}"] = getattr(parsed, name)
    st.session_state.in_noise = parsed.noise
    st.session_state.in_batch = parsed.batch or 0
    st.session_state.lr_box = parsed.lr
    st.session_state.lr_slider = nearest_stop(parsed.lr)
    # Every hyperparameter, so nothing set before survives a lesson or a link.
    given = dict(parsed.params)
    for h in optimizers.get(parsed.optimizer).hypers:
        key = f"hp_{parsed.optimizer}_{h.name}"
        st.session_state[key] = given.get(h.name, h.default)


def shown(control: str) -> bool:
    """False when a lesson link hides this control (hide=...)."""
    return control not in st.session_state.view_state.hide


def nearest_stop(lr: float) -> float:
    return min(LR_STOPS, key=lambda s: abs(np.log(s) - np.log(lr)))


def _lr_from_slider() -> None:
    st.session_state.lr_box = st.session_state.lr_slider


def _lr_from_box() -> None:
    st.session_state.lr_slider = nearest_stop(st.session_state.lr_box)


# --- sidebar ----------------------------------------------------------------
def render_data() -> tuple[Source, presets.Dataset]:
    saved = st.session_state.explorer
    if shown("dataset") or shown("upload"):
        st.sidebar.header("Data")
    have_upload = "upload" in st.session_state
    choices = list(presets.PRESETS) + ([state.UPLOAD] if have_upload else [])
    name = (
        saved.dataset
        if not shown("dataset")
        else st.sidebar.selectbox(
            "Data set",
            choices,
            key="in_dataset",
            format_func=lambda k: (
                f"Uploaded: {st.session_state.upload[1]}" if k == state.UPLOAD else k
            ),
        )
    )
    if shown("upload"):
        render_upload()
    if name == state.UPLOAD and "upload" in st.session_state:
        sha, filename = st.session_state.upload
        source = Source("upload", 0, None, 0, upload=sha)
        data = get_dataset(source)
        st.sidebar.caption(f"{md(filename)}: {len(data.y)} rows, {data.task}.")
        return source, data
    preset = presets.PRESETS[name]
    if shown("dataset"):
        st.sidebar.caption(preset.description)
    cols = st.sidebar.columns(3)
    samples = (
        saved.samples
        if not shown("samples")
        else cols[0].number_input("Samples", *presets.SAMPLES_RANGE, key="in_samples")
    )
    noise = (
        saved.noise
        if not shown("noise")
        else cols[1].number_input(
            "Noise",
            *presets.NOISE_RANGE,
            key="in_noise",
            placeholder=f"{preset.default_noise:g}",
            step=0.1,
        )
    )
    seed = (
        saved.seed
        if not shown("seed")
        else cols[2].number_input("Seed", 0, 2**32 - 1, key="in_seed")
    )
    source = Source(name, int(samples), noise, int(seed))
    return source, get_dataset(source)


def _on_upload() -> None:
    """Parse an upload in memory before the widgets are drawn.

    A callback, because it switches the data-set selectbox, which Streamlit only
    allows before that widget exists. A bad file keeps the previous data and runs.
    """
    file = st.session_state.in_file
    st.session_state.upload_error = None
    if file is None:
        return
    raw = file.getvalue()
    try:
        data = presets.load_csv(raw, name=file.name)
    except ValueError as e:
        st.session_state.upload_error = f"{md(file.name)}: {md(e)}"
        return
    sha = hashlib.sha256(raw).hexdigest()
    st.session_state.upload_data = (sha, data)
    st.session_state.upload = (sha, file.name)
    st.session_state.in_dataset = state.UPLOAD


def render_upload() -> None:
    st.sidebar.file_uploader(
        "Or upload a CSV",
        type=["csv"],
        key="in_file",
        on_change=_on_upload,
        help="A header row; 1 or 2 feature columns, then the label column. "
        "Labels 0/1 mean classification, anything else regression. At most 5 MB.",
    )
    if st.session_state.get("upload_error"):
        st.sidebar.error(st.session_state.upload_error)


def render_loss(task: str) -> str:
    allowed = [k for k in LOSSES if task == "classification" or k != "cross_entropy"]
    if not shown("loss"):
        saved = st.session_state.explorer.loss
        return saved if saved in allowed else allowed[0]
    st.sidebar.header("Loss")
    if st.session_state.get("in_loss") not in allowed:
        st.session_state.in_loss = allowed[0]
    loss = st.sidebar.radio(
        "Loss",
        allowed,
        key="in_loss",
        format_func=LOSS_LABELS.get,
        label_visibility="collapsed",
    )
    st.sidebar.caption(LOSSES[loss])
    if task != "classification":
        st.sidebar.caption(NO_CROSS_ENTROPY)
    return loss


def render_optimizer(where) -> tuple[str, tuple, str]:
    saved = st.session_state.explorer
    if not shown("optimizer"):
        key = saved.optimizer
    else:
        compact = where is not st.sidebar  # classroom: one row above the charts
        if not compact:
            where.header("Optimizer")
        key = where.selectbox(
            "Optimizer",
            list(optimizers.REGISTRY),
            key="in_optimizer",
            format_func=lambda k: optimizers.get(k).label,
            label_visibility="visible" if compact else "collapsed",
        )
        if not compact:
            where.caption(optimizers.get(key).description)
    params = (
        render_hypers(key)
        if shown("hyperparameters")
        else (saved.params if key == saved.optimizer else ())
    )
    schedule = (
        saved.schedule
        if not shown("schedule")
        else st.sidebar.selectbox(
            "Learning-rate schedule",
            SCHEDULES,
            key="in_schedule",
            help=" ".join(SCHEDULE_HELP.values()),
        )
    )
    return key, params, schedule


def render_hypers(key: str) -> tuple:
    spec = optimizers.get(key)
    params = []
    if not spec.hypers:
        return ()
    with st.sidebar.expander("Hyperparameters (TensorFlow's defaults)"):
        for h in spec.hypers:
            widget = f"hp_{key}_{h.name}"
            st.session_state.setdefault(widget, h.default)
            value = st.number_input(
                h.name,
                min_value=h.low,
                max_value=h.high,
                key=widget,
                format="%.6g",
                step=None,
                help=f"{h.help} Default {h.default:g}; allowed {h.allowed()}.",
            )
            try:
                value = h.check(value)
            except ValueError as e:
                st.error(str(e))
                value = h.default
            if value != h.default:
                params.append((h.name, float(value)))
    return tuple(sorted(params))


def render_lr(where) -> float:
    if not shown("lr"):
        return st.session_state.explorer.lr
    compact = where is not st.sidebar  # classroom: one row above the charts
    if compact:
        where, box_where = where.columns([3, 1])
    else:
        where.header("Learning rate")
        box_where = where
    where.select_slider(
        "Learning rate (log scale)",
        LR_STOPS,
        key="lr_slider",
        on_change=_lr_from_slider,
        format_func=lambda v: f"{v:g}",
        label_visibility="visible" if compact else "collapsed",
        help=LR_HINT,
    )
    lr = box_where.number_input(
        "Exact learning rate",
        min_value=state.APP_MIN_LR,
        max_value=1000.0,
        key="lr_box",
        format="%.6g",
        on_change=_lr_from_box,
        step=None,
    )
    if not compact:  # in classroom mode the slider's own help says it
        where.caption(LR_HINT)
    return float(lr)


def render_training() -> tuple[int, float, float, int | None]:
    saved = st.session_state.explorer
    if shown("steps") or shown("batch") or shown("start"):
        st.sidebar.header("Training")
    cols = st.sidebar.columns(2)
    steps = (
        saved.steps
        if not shown("steps")
        else cols[0].number_input("Steps", 1, state.APP_MAX_STEPS, key="in_steps")
    )
    batch = (
        (saved.batch or 0)
        if not shown("batch")
        else cols[1].number_input(
            "Batch size",
            0,
            100_000,
            key="in_batch",
            help="0 = full batch (every example, every step)",
        )
    )
    if not shown("start"):
        return int(steps), saved.w1, saved.w2, int(batch) or None
    cols = st.sidebar.columns(2)
    w1 = cols[0].number_input("Start w1", -1000.0, 1000.0, key="in_w1", step=0.5)
    w2 = cols[1].number_input("Start w2", -1000.0, 1000.0, key="in_w2", step=0.5)
    st.sidebar.caption("Or click anywhere on the contour to start there.")
    return int(steps), float(w1), float(w2), int(batch) or None


def render_controls(classroom: bool) -> tuple[ExplorerState, Source, presets.Dataset]:
    """Every setting; in classroom mode the essential ones sit above the charts."""
    if shown("lessons"):
        teaching.render_lessons(load_state)
    essentials = st.container() if classroom else st.sidebar
    if classroom:
        cols = essentials.columns([2, 3])
        key_where, lr_where = cols[0], cols[1]
    else:
        key_where = lr_where = st.sidebar
    source, data = render_data()
    loss = render_loss(data.task)
    key, params, schedule = render_optimizer(key_where)
    lr = render_lr(lr_where)
    steps, w1, w2, batch = render_training()
    current = replace(
        st.session_state.explorer,
        dataset=source.preset,
        samples=source.samples,
        noise=source.noise,
        seed=source.seed,
        loss=loss,
        optimizer=key,
        lr=lr,
        steps=steps,
        w1=w1,
        w2=w2,
        batch=batch,
        schedule=schedule,
        params=params,
    )
    st.session_state.explorer = current
    return current, source, data


# --- runs and comparison ----------------------------------------------------
def render_run_controls(current: ExplorerState) -> None:
    if not (shown("pin") or shown("sweep") or shown("lineup")):
        return
    cols = st.columns([1, 1, 2, 1])
    if shown("pin") and cols[0].button(
        "Pin run",
        help="Keep this run on the chart",
        disabled=len(current.pins) >= MAX_RUNS,
    ):
        set_pins(current.pins + (current.live,))
    if shown("sweep") and cols[1].button(
        "Learning-rate sweep",
        help="This optimizer at 0.1x, 0.3x, 1x, 3x and 10x the rate",
    ):
        set_pins(state.sweep(current))
    if not shown("lineup"):
        return
    chosen = cols[2].multiselect(
        "Line-up",
        list(optimizers.REGISTRY),
        default=DEFAULT_LINEUP,
        key="lineup",
        format_func=lambda k: optimizers.get(k).label,
        max_selections=MAX_RUNS,
        label_visibility="collapsed",
    )
    if cols[3].button(
        "Optimizer line-up", help="The chosen optimizers at their TF default rates"
    ):
        set_pins(state.lineup(current, chosen))


def set_pins(pins: tuple[Pin, ...]) -> None:
    st.session_state.explorer = replace(
        st.session_state.explorer, pins=tuple(dict.fromkeys(pins))[:MAX_RUNS]
    )
    st.rerun()


def render_pin_list(current: ExplorerState) -> None:
    if not current.pins:
        return
    with st.expander(
        f"Pinned runs ({len(current.pins)} of {MAX_RUNS})", expanded=False
    ):
        for i, pin in enumerate(current.pins):
            cols = st.columns([4, 1, 1])
            cols[0].markdown(
                f"**{i + 1}.** {pin.label} · start ({pin.w1:g}, {pin.w2:g})"
            )
            cols[1].checkbox("show", value=True, key=_show_key(pin))
            if cols[2].button("remove", key=f"rm_{state.format_pin(pin)}"):
                set_pins(tuple(p for p in current.pins if p != pin))


def _show_key(pin: Pin) -> str:
    """The pin's "show" checkbox; its value is read before the list is drawn."""
    return f"show_{state.format_pin(pin)}"


def collect_runs(current: ExplorerState, source: Source) -> list[figures.RunView]:
    views_ = [
        figures.RunView(
            f"{current.live.label} (live)",
            get_run(source, current.loss, current.live),
            0,
        )
    ]
    for i, pin in enumerate(current.pins, start=1):
        if st.session_state.get(_show_key(pin), True):
            views_.append(
                figures.RunView(pin.label, get_run(source, current.loss, pin), i)
            )
    return views_


# --- views ------------------------------------------------------------------
def render_views(current: ExplorerState, source: Source, data, runs, classroom) -> None:
    charts, below = st.container(), st.container()  # laid out in this order
    start = (current.w1, current.w2)
    box = framing.fit_paths(
        framing.base_box(start, get_minimum(source, current.loss, start)),
        [r.trajectory.weights for r in runs],
    )
    with below:
        box = render_range(box)
    surf = get_surface(source, current.loss, box)
    theme = figures.CLASSROOM if classroom else figures.SCREEN
    live = runs[0]
    params = dict(current.params)
    k = teaching.chosen_step(live) if shown("internals") else 0
    with charts:
        for run in runs:
            if run.trajectory.diverged_at is not None:
                st.warning(
                    f"{run.label} diverged at step {run.trajectory.diverged_at}: "
                    "its path ends there."
                )
        arrows = tuple(teaching.arrows(live, current.optimizer, params, k, box))
        render_charts(surf, data, runs, theme, classroom, arrows)
        rows = [summary.summary_row(r.label, r.trajectory, surf) for r in runs]
        st.dataframe(rows, hide_index=True, width="stretch")
    with below:
        if shown("internals"):
            with st.expander(
                "Optimizer internals: one step, by the numbers", expanded=classroom
            ):
                teaching.render_internals(live, current.optimizer, params)
        with st.expander("Export: PNG, SVG, HTML, GIF, MP4, CSV, JSON"):
            exports.render_exports(
                surf,
                runs,
                data,
                theme,
                run_configs(current),
                {
                    "data": describe_source(source, data),
                    "loss": current.loss,
                    "range": list(box),
                },
            )
        if shown("code"):
            with st.expander("Show the TensorFlow code"):
                # Only on request: the script embeds the data, and an expander's
                # body runs on every rerun even while it is closed.
                if st.toggle("Write the script for a run", key="code_on"):
                    teaching.render_code(
                        data, runs, run_configs(current), describe_source(source, data)
                    )


VIEWS = ["Contour", "Playback", "3D surface"]


def render_charts(surf, data, runs, theme, classroom, arrows) -> None:
    default = "Playback" if classroom else "Contour"
    view = (
        st.segmented_control(
            "View", VIEWS, default=default, key="view", label_visibility="collapsed"
        )
        or default
    )
    said = " · ".join(summary.describe(r.label, r.trajectory) for r in runs)
    if view == "Playback":
        fig = animation.playback_figure(
            surf, runs, data, theme, height=760 if classroom else 700
        )
        st.plotly_chart(fig, key="playback", width="stretch")
        st.caption(f"Playback of every run, one step index for all views. {said}")
        return
    left, right = st.columns([5, 3])
    with left:
        if view == "3D surface":
            fig = figures.surface3d_figure(surf, runs, data.feature_names, theme)
            st.plotly_chart(fig, key="surface3d", width="stretch")
        else:
            fig = figures.contour_figure(
                surf,
                runs,
                data.feature_names,
                theme,
                click_grid=CLICK_GRID if shown("start") else 0,
                arrows=arrows,
            )
            st.plotly_chart(
                fig,
                key="contour",
                width="stretch",
                on_select=_on_click,
                selection_mode="points",
            )
        st.caption(f"Loss surface with every path. {said}")
    with right:
        st.plotly_chart(
            figures.loss_figure(runs, theme, height=340, legend=False),
            key="losses",
            width="stretch",
        )
        st.caption(
            "Loss per step, log scale. "
            + "; ".join(
                f"{r.label}: lowest {r.trajectory.losses.min():.3g}"
                for r in runs
                if len(r.trajectory.losses)
            )
        )
        st.plotly_chart(
            figures.data_figure(data, runs, theme, height=340, legend=False),
            key="data",
            width="stretch",
        )
        st.caption(boundary_text(data, runs))


CLICK_GRID = 41


def _on_click() -> None:
    """A click on the contour's invisible grid starts the live run there."""
    event = st.session_state.get("contour") or {}
    points = (event.get("selection") or {}).get("points") or []
    if points:
        st.session_state.in_w1 = round(float(points[-1]["x"]), 3)
        st.session_state.in_w2 = round(float(points[-1]["y"]), 3)
        st.session_state[teaching.STEP_KEY] = 1


def boundary_text(data, runs) -> str:
    """The data view in words: each run's boundary or line at its last step."""
    parts = []
    for r in runs:
        if len(r.trajectory.weights):
            w1, w2 = r.trajectory.weights[-1]
            what = "line" if data.task == "regression" else "boundary"
            parts.append(
                f"{r.label}: {what} {w1:.3g}·{md(data.feature_names[0])} + "
                f"{w2:.3g}·{md(data.feature_names[1])}"
                + ("" if data.task == "regression" else " = 0")
            )
    return (
        "Data with each run's final "
        + ("line. " if data.task == "regression" else "boundary. ")
        + "; ".join(parts)
    )


def run_configs(current: ExplorerState) -> list:
    """The engine settings of the live run and the shown pins, in runs' order."""
    pins = [current.live] + [
        p for p in current.pins if st.session_state.get(_show_key(p), True)
    ]
    return [state.run_config(p, current.loss, current.seed) for p in pins]


def describe_source(source: Source, data) -> str:
    if source.upload:
        return f"the uploaded file {st.session_state.upload[1]!r}"
    noise = (
        presets.PRESETS[source.preset].default_noise
        if source.noise is None
        else (source.noise)
    )
    return (
        f"landscape's {source.preset!r} preset, samples={source.samples}, "
        f"noise={noise:g}, seed={source.seed}"
    )


def render_range(box: framing.Box) -> framing.Box:
    with st.expander("Axis range"):
        auto = st.checkbox(
            "Fit the paths and the minimum automatically", value=True, key="auto_range"
        )
        if auto:
            st.caption(f"w1 {box[0]:g} to {box[1]:g}, w2 {box[2]:g} to {box[3]:g}")
            return box
        cols = st.columns(4)
        values = [
            c.number_input(n, -1e4, 1e4, float(v), key=f"range_{n}")
            for c, n, v in zip(cols, ("w1 min", "w1 max", "w2 min", "w2 max"), box)
        ]
        if values[0] >= values[1] or values[2] >= values[3]:
            st.error(
                "Each minimum must be below its maximum; showing the automatic range."
            )
            return box
        return tuple(values)  # type: ignore[return-value]


def sync_url(current: ExplorerState, source: Source) -> None:
    query = state.to_query(current)
    if source.upload:
        query["dataset"] = state.UPLOAD
    view = st.session_state.view_state
    if st.session_state.get("classroom"):
        query["classroom"] = "1"
    if view.hide:
        query["hide"] = ",".join(sorted(view.hide))
    if st.session_state.get("lesson"):
        query["lesson"] = st.session_state.lesson
    st.query_params.from_dict(query)
    return query


def main() -> None:
    init_session()
    classroom = bool(st.session_state.get("classroom"))
    st.set_page_config(
        page_title="landscape",
        page_icon="⛰️",
        layout="wide",
        initial_sidebar_state="collapsed" if classroom else "auto",
    )
    for warning in st.session_state.url_warnings:
        st.warning(md(warning))
    # Fixed page CSS (no user text): less empty space above the charts, so the
    # contour is in view on a 1280x720 projector.
    st.html("<style>.block-container{padding-top:3.6rem}</style>")
    head = st.columns([6, 1])
    head[0].markdown(
        "**landscape** · how TensorFlow's optimizers move over the true loss "
        "surface of a two-weight model"
    )
    if shown("classroom"):
        head[1].toggle(
            "Classroom",
            key="classroom",
            help="Large type, thick lines, only the essential controls",
        )
    current, source, data = render_controls(classroom)
    teaching.render_lesson_text()
    if not classroom:
        render_run_controls(current)
    query = sync_url(current, source)  # before the slow part: a shared link is current
    if not classroom:
        teaching.render_lesson_link(query)
    runs = collect_runs(current, source)
    render_views(current, source, data, runs, classroom)
    if not classroom:
        render_pin_list(current)


@st.cache_resource(max_entries=256, show_spinner=False)
def _freeze_heap(engines: int) -> int:
    """Move everything alive into the GC's permanent generation, once per engine.

    TensorFlow and Keras build large object graphs (traced functions, variables,
    optimizers). Python's cyclic GC walked all of them on every full collection,
    which the load test measured at ~0.7 s of a rerun's 0.86 s CPU; frozen, they
    are never scanned again. Keyed by the engine count, so it runs only after a
    new optimizer kind was compiled.
    """
    gc.collect()
    gc.freeze()
    return engines


main()
_freeze_heap(len(trainer.engine_keys()))
