"""landscape: watch TensorFlow's optimizers move over the true loss surface."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from landscape import datasets, figures, optimizers, state, surface, trainer, views
from landscape.config import SCHEDULE_HELP, SCHEDULES
from landscape.losses import LOSSES
from landscape.state import MAX_RUNS, ExplorerState, Pin

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


@dataclass(frozen=True)
class Source:
    """Where the data comes from: a preset with its knobs, or an upload's hash."""

    preset: str
    samples: int
    noise: float | None
    seed: int
    upload: str = ""  # sha256 of the uploaded bytes


# --- cached engine calls (frozen dataclasses hash field by field) -----------
@st.cache_resource
def _uploads() -> dict[str, datasets.Dataset]:
    return {}


@st.cache_data(max_entries=64, show_spinner=False)
def get_dataset(source: Source) -> datasets.Dataset:
    if source.upload:
        return _uploads()[source.upload]
    return datasets.make_dataset(
        source.preset, source.samples, source.noise, source.seed
    )


@st.cache_data(max_entries=512, show_spinner=False)
def get_run(source: Source, loss: str, pin: Pin) -> trainer.Trajectory:
    return trainer.run(get_dataset(source), state.run_config(pin, loss, source.seed))


@st.cache_data(max_entries=64, show_spinner=False)
def get_surface(source: Source, loss: str, box: views.Box) -> surface.Surface:
    return surface.loss_surface(get_dataset(source), loss, box[:2], box[2:], GRID)


@st.cache_data(max_entries=64, show_spinner=False)
def get_minimum(source: Source, loss: str, start: tuple[float, float]):
    return views.estimate_minimum(get_dataset(source), loss, start)


# --- state: URL -> session on first load, session -> URL on every run -------
def init_session() -> None:
    """Read the URL once per session into the widgets' keys."""
    if "explorer" in st.session_state:
        return
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    parsed, warnings = state.parse_query(query)
    if parsed.dataset == state.UPLOAD:
        warnings.append(
            "URL parameter dataset='upload' needs a file uploaded in "
            "this browser; using 'blobs' instead."
        )
        parsed = replace(parsed, dataset="blobs")
    st.session_state.explorer = parsed
    st.session_state.url_warnings = warnings
    for name in (
        "dataset",
        "samples",
        "seed",
        "loss",
        "optimizer",
        "steps",
        "w1",
        "w2",
        "schedule",
    ):
        st.session_state[f"in_{name}"] = getattr(parsed, name)
    st.session_state.in_noise = parsed.noise
    st.session_state.in_batch = parsed.batch or 0
    st.session_state.lr_box = parsed.lr
    st.session_state.lr_slider = nearest_stop(parsed.lr)
    for name, value in parsed.params:
        st.session_state[f"hp_{parsed.optimizer}_{name}"] = value


def nearest_stop(lr: float) -> float:
    return min(LR_STOPS, key=lambda s: abs(np.log(s) - np.log(lr)))


def _lr_from_slider() -> None:
    st.session_state.lr_box = st.session_state.lr_slider


def _lr_from_box() -> None:
    st.session_state.lr_slider = nearest_stop(st.session_state.lr_box)


# --- sidebar ----------------------------------------------------------------
def render_data() -> tuple[Source, datasets.Dataset]:
    st.sidebar.header("Data")
    have_upload = "upload" in st.session_state
    choices = list(datasets.PRESETS) + ([state.UPLOAD] if have_upload else [])
    name = st.sidebar.selectbox(
        "Data set",
        choices,
        key="in_dataset",
        format_func=lambda k: (
            f"Uploaded: {st.session_state.upload[1]}" if k == state.UPLOAD else k
        ),
    )
    render_upload()
    if name == state.UPLOAD and "upload" in st.session_state:
        sha, filename = st.session_state.upload
        source = Source("upload", 0, None, 0, upload=sha)
        data = get_dataset(source)
        st.sidebar.caption(f"{filename}: {len(data.y)} rows, {data.task}.")
        return source, data
    preset = datasets.PRESETS[name]
    st.sidebar.caption(preset.description)
    cols = st.sidebar.columns(3)
    samples = cols[0].number_input("Samples", *datasets.SAMPLES_RANGE, key="in_samples")
    noise = cols[1].number_input(
        "Noise",
        *datasets.NOISE_RANGE,
        key="in_noise",
        placeholder=f"{preset.default_noise:g}",
        step=0.1,
    )
    seed = cols[2].number_input("Seed", 0, 2**32 - 1, key="in_seed")
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
        data = datasets.load_csv(raw, name=file.name)
    except ValueError as e:
        st.session_state.upload_error = f"{file.name}: {e}"
        return
    sha = hashlib.sha256(raw).hexdigest()
    _uploads()[sha] = data
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
    st.sidebar.header("Loss")
    allowed = [k for k in LOSSES if task == "classification" or k != "cross_entropy"]
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
    return loss


def render_optimizer() -> tuple[str, tuple, str]:
    st.sidebar.header("Optimizer")
    key = st.sidebar.selectbox(
        "Optimizer",
        list(optimizers.REGISTRY),
        key="in_optimizer",
        format_func=lambda k: optimizers.get(k).label,
        label_visibility="collapsed",
    )
    spec = optimizers.get(key)
    st.sidebar.caption(spec.description)
    params = []
    if spec.hypers:
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
    schedule = st.sidebar.selectbox(
        "Learning-rate schedule",
        SCHEDULES,
        key="in_schedule",
        help=" ".join(SCHEDULE_HELP.values()),
    )
    return key, tuple(sorted(params)), schedule


def render_training() -> tuple[float, int, float, float, int | None]:
    st.sidebar.header("Learning rate")
    st.sidebar.select_slider(
        "Learning rate (log scale)",
        LR_STOPS,
        key="lr_slider",
        on_change=_lr_from_slider,
        format_func=lambda v: f"{v:g}",
        label_visibility="collapsed",
    )
    lr = st.sidebar.number_input(
        "Exact learning rate",
        min_value=state.APP_MIN_LR,
        max_value=1000.0,
        key="lr_box",
        format="%.6g",
        on_change=_lr_from_box,
        step=None,
    )
    st.sidebar.caption(
        "Usually between 0.001 and 0.1: too large overshoots, too small is slow."
    )
    st.sidebar.header("Training")
    cols = st.sidebar.columns(2)
    steps = cols[0].number_input("Steps", 1, state.APP_MAX_STEPS, key="in_steps")
    batch = cols[1].number_input(
        "Batch size",
        0,
        100_000,
        key="in_batch",
        help="0 = full batch (every example, every step)",
    )
    cols = st.sidebar.columns(2)
    w1 = cols[0].number_input("Start w1", -1000.0, 1000.0, key="in_w1", step=0.5)
    w2 = cols[1].number_input("Start w2", -1000.0, 1000.0, key="in_w2", step=0.5)
    return float(lr), int(steps), float(w1), float(w2), int(batch) or None


def render_sidebar() -> tuple[ExplorerState, Source, datasets.Dataset]:
    source, data = render_data()
    loss = render_loss(data.task)
    key, params, schedule = render_optimizer()
    lr, steps, w1, w2, batch = render_training()
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
    cols = st.columns([1, 1, 2, 1])
    if cols[0].button(
        "Pin run",
        help="Keep this run on the chart",
        disabled=len(current.pins) >= MAX_RUNS,
    ):
        set_pins(current.pins + (current.live,))
    if cols[1].button(
        "Learning-rate sweep",
        help="This optimizer at 0.1x, 0.3x, 1x, 3x and 10x the rate",
    ):
        set_pins(state.sweep(current))
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
def render_views(current: ExplorerState, source: Source, data, runs) -> None:
    charts, below = st.container(), st.container()  # laid out in this order
    start = (current.w1, current.w2)
    box = views.fit_paths(
        views.base_box(start, get_minimum(source, current.loss, start)),
        [r.trajectory.weights for r in runs],
    )
    with below:
        box = render_range(box)
    surf = get_surface(source, current.loss, box)
    with charts:
        for run in runs:
            if run.trajectory.diverged_at is not None:
                st.warning(
                    f"{run.label} diverged at step {run.trajectory.diverged_at}: "
                    "its path ends there."
                )
        render_charts(surf, data, runs)
        rows = [views.summary_row(r.label, r.trajectory, surf) for r in runs]
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(" · ".join(views.describe(r.label, r.trajectory) for r in runs))


def render_charts(surf, data, runs) -> None:
    left, right = st.columns([5, 3])
    with left:
        view = st.segmented_control(
            "View",
            ["Contour", "3D surface"],
            default="Contour",
            key="view",
            label_visibility="collapsed",
        )
        if view == "3D surface":
            fig = figures.surface3d_figure(surf, runs, data.feature_names)
        else:
            fig = figures.contour_figure(surf, runs, data.feature_names)
        st.plotly_chart(fig, key="contour", width="stretch")
    with right:
        st.plotly_chart(
            figures.loss_figure(runs, height=340, legend=False),
            key="losses",
            width="stretch",
        )
        st.plotly_chart(
            figures.data_figure(data, runs, height=340, legend=False),
            key="data",
            width="stretch",
        )


def render_range(box: views.Box) -> views.Box:
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
    st.query_params.from_dict(query)


def main() -> None:
    st.set_page_config(page_title="landscape", page_icon="⛰️", layout="wide")
    init_session()
    for warning in st.session_state.url_warnings:
        st.warning(warning)
    current, source, data = render_sidebar()
    # Fixed page CSS (no user text): less empty space above the charts, so the
    # contour is in view on a 1280x720 projector.
    st.html("<style>.block-container{padding-top:3.6rem}</style>")
    st.markdown(
        "**landscape** · how TensorFlow's optimizers move over the true loss "
        "surface of a two-weight model"
    )
    render_run_controls(current)
    sync_url(current, source)  # before the slow part, so a shared link is current
    runs = collect_runs(current, source)
    render_views(current, source, data, runs)
    render_pin_list(current)


main()
