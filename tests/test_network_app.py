"""The small-network page through AppTest: settings reach the engine, what is
drawn equals independent computations, bad input is one line, links round-trip."""

from __future__ import annotations

import csv
import io
import json
import re

import imageio.v3 as iio
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from landscape.data.presets import make_dataset
from landscape.figures import SCREEN, theme
from landscape.net import api
from landscape.net.config import net_config
from tests import net_numpy
from tests.helpers import (
    ROOT,
    chart,
    decode,
    drawn_path,
    make_app,
    net_app,
    query_all,
    run,
    traces,
    warnings,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")

SMALL = {"samples": "80", "steps": "40", "grid": "9"}


def expected_run(dataset="circles", samples=80, hidden=(8,), steps=40, **cfg):
    """The engine called directly with the settings the link names."""
    data = make_dataset(dataset, samples, None, 0)
    cfg = {"optimizer": "adam", "learning_rate": 0.03, "activation": "tanh"} | cfg
    activation = cfg.pop("activation")
    return api.train(data, net_config(hidden, activation, steps=steps, **cfg))


def plane_message(at: AppTest) -> str:
    (said,) = [t for t in [w.value for w in at.warning] + [i.value for i in at.info]
               if t.startswith("The path leaves this plane")]  # fmt: skip
    return said


def test_default_page_draws_the_engines_path_on_its_grid():
    at = net_app(**SMALL)
    want = api.slice_run(expected_run(), "pca", grid=9)
    contour = chart(at, "plane_chart")["data"][0]
    assert contour["type"] == "contour"
    np.testing.assert_allclose(decode(contour["x"]), want.a1)
    np.testing.assert_allclose(decode(contour["y"]), want.a2)
    # log10 levels of the engine's own grid
    np.testing.assert_allclose(
        decode(contour["z"]), np.log10(want.loss), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(drawn_path(at), want.path, rtol=1e-6, atol=1e-7)
    assert len(drawn_path(at)) == 41


def test_every_setting_reaches_the_engine():
    query = {"dataset": "moons", "samples": "60", "noise": "0.2", "seed": "3",
             "layers": "2", "units": "5", "units2": "3", "activation": "relu",
             "loss": "mse", "optimizer": "sgd", "lr": "0.5", "steps": "30",
             "plane": "interpolate", "grid": "7", "span": "2",
             "dseed": "4"}  # fmt: skip
    at = net_app(**query)
    data = make_dataset("moons", 60, 0.2, 3)
    cfg = net_config((5, 3), "relu", loss="mse", optimizer="sgd",
                     learning_rate=0.5, steps=30)  # fmt: skip
    want = api.slice_run(api.train(data, cfg), "interpolate", 7, 2.0, 4)
    np.testing.assert_allclose(decode(chart(at, "plane_chart")["data"][0]["x"]),
                               np.linspace(-2, 2, 7))  # fmt: skip
    np.testing.assert_allclose(drawn_path(at), want.path, rtol=1e-6, atol=1e-7)
    steps = traces(at, "steps_chart", "lines")
    np.testing.assert_allclose(decode(steps[0]["y"]), want.path_loss, rtol=1e-6)
    np.testing.assert_allclose(decode(steps[1]["y"]), want.plane_loss_at_path,
                               rtol=1e-6)  # fmt: skip
    # the page writes back exactly what it was given
    assert {k: query_all(at, k)[0] for k in query} == query


def test_the_decision_is_a_numpy_forward_pass_at_the_chosen_step():
    at = net_app(**SMALL, layers="2", units="4", units2="3", step="7")
    run_ = expected_run(hidden=(4, 3))
    fill = chart(at, "decision_chart")["data"][0]
    x1, x2, prob = decode(fill["x"]), decode(fill["y"]), decode(fill["z"])
    xx, yy = np.meshgrid(x1, x2)
    layout = [{"name": n, "shape": list(s)} for n, s in run_.layout]
    z = net_numpy.forward(layout, "tanh", np.stack([xx.ravel(), yy.ravel()], 1),
                          run_.params[7])[2]  # fmt: skip
    np.testing.assert_allclose(prob.ravel(), net_numpy.sigmoid(z), atol=2e-6)
    # the data's points in their classes, over the box that holds them
    points = [
        t for t in chart(at, "decision_chart")["data"] if t.get("mode") == "markers"
    ]
    assert sum(len(decode(t["x"])) for t in points) == 80
    assert x1[0] < run_.data.x[:, 0].min() and x1[-1] > run_.data.x[:, 0].max()
    assert at.slider(key="net_step").value == 7
    assert "step 7" in chart(at, "decision_chart")["layout"]["title"]["text"]


def test_moving_the_step_redraws_the_decision_and_writes_the_link():
    at = net_app(**SMALL)
    before = decode(chart(at, "decision_chart")["data"][0]["z"])
    at.slider(key="net_step").set_value(3)
    run(at)
    after = decode(chart(at, "decision_chart")["data"][0]["z"])
    assert not np.allclose(before, after)
    assert query_all(at, "step") == ["3"]


def test_at_the_end_the_step_follows_a_new_step_count_and_a_chosen_one_stays():
    at = net_app(**SMALL)  # no step= in the link: the last step
    assert at.slider(key="net_step").value == 40
    run(at)  # a rerun does not turn "the end" into the number 40
    assert query_all(at, "step") == []
    at.number_input(key="net_steps").set_value(60)
    run(at)
    assert at.slider(key="net_step").value == 60  # was left at 40 before
    assert "step 60" in chart(at, "decision_chart")["layout"]["title"]["text"]
    assert query_all(at, "step") == []
    at.slider(key="net_step").set_value(25)  # chosen: kept when the run grows
    run(at)
    at.number_input(key="net_steps").set_value(80)
    run(at)
    assert at.slider(key="net_step").value == 25
    assert query_all(at, "step") == ["25"]


def test_the_off_plane_message_says_the_slices_numbers():
    at = net_app(**SMALL, plane="random")
    run_ = expected_run()
    sl = api.slice_run(run_, "random", 9)
    said = plane_message(at)
    k = int(np.argmax(sl.off_plane))
    travel = np.linalg.norm(run_.params[-1].astype(float) - run_.params[0])
    gap = np.abs(sl.path_loss - sl.plane_loss_at_path)
    assert f"up to {sl.off_plane.max():.3g} (at step {k})" in said
    assert f"{sl.off_plane.max() / travel:.0%} of the {travel:.3g}" in said
    assert f"by up to {gap.max():.3g} (step {int(np.argmax(gap))})" in said
    # a random plane through the end holds little of the path: it says so
    assert "Most of its motion is off this plane" in said
    assert at.warning[-1].value == said  # a warning, not a quiet caption


def test_the_table_holds_the_explained_variance_and_distances():
    at = net_app(**SMALL)
    sl = api.slice_run(expected_run(), "pca", 9)
    (table,) = [d.value for d in at.dataframe]
    rows = dict(zip(table["quantity"], table["value"]))
    ev = sl.plane.explained_variance
    assert rows["explained variance (d1, d2)"] == f"{ev[0]:.1%}, {ev[1]:.1%}"
    assert rows["largest off-plane distance"].startswith(f"{sl.off_plane.max():.4g}")
    assert f"{ev.sum():.1%} of the path's variance" in plane_message(at)


@pytest.mark.parametrize(
    ("name", "value"),
    [("lr", "abc"), ("grid", "500"), ("plane", "sideways"), ("units", "1"),
     ("layers", "3"), ("dataset", "overlap"), ("pin", "sgd,lr=-1"), ("zzz", "1")],
)  # fmt: skip
def test_a_bad_url_value_is_one_line_and_the_default_is_used(name, value):
    at = net_app(**SMALL | {name: value})
    (said,) = warnings(at)[:1]  # first: the message about the plane follows
    assert "\n" not in said
    assert f"{name}={value!r}" in said or f"parameter {name!r}" in said
    assert not [w for w in warnings(at)[1:] if "URL parameter" in w]
    if name not in ("pin", "zzz"):
        assert "instead" in said
        default = {"lr": "0.03", "grid": "31", "plane": "pca", "units": "8",
                   "layers": "1", "dataset": "circles"}[name]  # fmt: skip
        assert query_all(at, name) == [default]
    assert len(drawn_path(at)) == 41  # the page still draws


def test_an_upload_with_one_feature_is_one_line_and_two_features_train():
    at = net_app(**SMALL)
    at.file_uploader(key="net_file").set_value(
        ("dose.csv", b"dose,label\n1,0\n2,1\n3,0\n4,1\n", "text/csv")
    )
    run(at)
    (error,) = at.error
    assert "needs 2 feature columns" in error.value and "\n" not in error.value
    assert not at.get("plotly_chart")
    rows = b"x1,x2,label\n" + b"".join(
        f"{np.cos(k):.4f},{np.sin(2 * k):.4f},{k % 2}\n".encode() for k in range(30)
    )
    at.file_uploader(key="net_file").set_value(("pts.csv", rows, "text/csv"))
    run(at)
    assert not at.error
    assert query_all(at, "dataset") == ["upload"]
    assert query_all(at, "samples") == []
    assert len(drawn_path(at)) == 41


def test_pins_are_drawn_on_the_live_plane_with_their_distance_off_it():
    at = net_app(**SMALL, pin="sgd,lr=0.3,steps=40")
    live = api.slice_run(expected_run(), "pca", 9)
    pin = expected_run(optimizer="sgd", learning_rate=0.3)
    # least squares on the plane by the normal equations, not by lstsq
    d = live.plane.directions
    rel = pin.params.astype(float) - live.plane.center
    coords = np.linalg.solve(d @ d.T, d @ rel.T).T
    off = np.linalg.norm(rel - coords @ d, axis=1)
    np.testing.assert_allclose(drawn_path(at, 1), coords, rtol=1e-6, atol=1e-6)
    name = traces(at, "plane_chart", "lines+markers")[1]["name"]
    assert f"up to {off.max():.3g} off the plane" in name
    assert query_all(at, "pin") == ["sgd,lr=0.3,steps=40"]


def test_pin_this_run_keeps_it_in_the_link():
    at = net_app(**SMALL)
    next(b for b in at.button if b.label == "Pin this run").click()
    run(at)
    assert query_all(at, "pin") == ["adam,lr=0.03,steps=40"]
    assert len(traces(at, "plane_chart", "lines+markers")) == 2


def test_the_csv_export_is_the_run_and_its_slice():
    from landscape.net import picture

    run_ = expected_run()
    sl = api.slice_run(run_, "pca", 9)
    rows = list(csv.DictReader(io.StringIO(picture.path_csv(run_, sl).decode())))
    assert len(rows) == 41
    np.testing.assert_allclose([float(r["loss"]) for r in rows], run_.losses, 1e-6)
    np.testing.assert_allclose([float(r["off_plane"]) for r in rows], sl.off_plane,
                               rtol=1e-6, atol=1e-9)  # fmt: skip
    assert float(rows[5][f"w{run_.params.shape[1] - 1}"]) == pytest.approx(
        run_.params[5, -1], rel=1e-6
    )


def test_classroom_keeps_the_charts_and_the_message_and_drops_the_rest():
    at = net_app(**SMALL, classroom="1")
    keys = {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}
    assert keys == {"plane_chart", "decision_chart"}
    assert plane_message(at)
    assert query_all(at, "classroom") == ["1"]
    # projector sizes: the classroom theme's axis titles
    assert chart(at, "plane_chart")["layout"]["xaxis"]["title"]["font"]["size"] == 24


def test_the_explorer_is_still_the_first_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    run(at)
    assert re.search(r"two-weight model", at.markdown[0].value)
    assert "contour" in {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def test_the_line_between_the_live_and_a_pinned_end_is_betweens():
    at = net_app(**SMALL, pin="sgd,lr=0.3,steps=40")
    live, pin = expected_run(), expected_run(optimizer="sgd", learning_rate=0.3)
    t, loss = api.start_to_end(live)
    drawn = chart(at, "line_chart")["data"][0]
    np.testing.assert_allclose(decode(drawn["y"]), loss, rtol=1e-6)
    at.selectbox(key="net_line_to").set_value("live end → pin 1 end")
    run(at)
    drawn = chart(at, "line_chart")["data"][0]
    # its ends are the two runs' final losses, by the NumPy oracle
    layout = [{"name": n, "shape": list(s)} for n, s in live.layout]
    x, y = live.data.x.astype(float), live.data.y.astype(float)
    ends = [net_numpy.loss(layout, "tanh", "cross_entropy", x, y, w[-1])
            for w in (live.params, pin.params)]  # fmt: skip
    t, line = decode(drawn["x"]), decode(drawn["y"])
    assert np.interp([0.0, 1.0], t, line) == pytest.approx(ends, rel=1e-4)
    np.testing.assert_allclose(line, api.between(live, pin)[1], rtol=1e-6)


def test_the_learning_rate_sweep_pins_four_rates_on_the_live_plane():
    at = net_app(**SMALL, lr="0.05")
    next(b for b in at.button if b.label == "Learning-rate sweep").click()
    run(at)
    assert query_all(at, "pin") == [
        f"adam,lr={lr},steps=40" for lr in ("0.005", "0.015", "0.15", "0.5")
    ]
    names = [t["name"] for t in traces(at, "plane_chart", "lines+markers")]
    assert len(names) == 5 and all("off the plane" in n for n in names[1:])
    live = api.slice_run(expected_run(learning_rate=0.05), "pca", 9)
    np.testing.assert_allclose(drawn_path(at), live.path, rtol=1e-6, atol=1e-7)


def test_every_chart_on_both_pages_carries_the_themes_template():
    # Figures are made with their template (theme.figure); one made with a bare
    # go.Figure() would fall back to Streamlit's, whose colours are placeholders.
    want = theme.template(SCREEN.template).to_plotly_json()
    for at in (net_app(**SMALL), run(make_app())):
        specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
        assert len(specs) >= 3
        for spec in specs:
            assert spec["layout"]["template"] == want, spec["layout"].get("title")


def test_the_loss_chart_draws_each_pins_losses_as_its_legend_names_it():
    at = net_app(**SMALL, pin="sgd,lr=0.3,steps=30")
    pin = expected_run(optimizer="sgd", learning_rate=0.3, steps=30)
    live, plane, drawn = traces(at, "steps_chart", "lines")
    np.testing.assert_allclose(decode(drawn["y"]), pin.losses, rtol=1e-6)
    np.testing.assert_array_equal(decode(drawn["x"]), np.arange(31))
    on_plane = traces(at, "plane_chart", "lines+markers")[1]
    # the plane's legend entry, broken into lines for the narrow chart
    assert drawn["name"].replace("<br>", " ") == on_plane["name"]
    assert "<br>" in drawn["name"]
    assert drawn["line"]["color"] == on_plane["line"]["color"] != live["line"]["color"]
    assert drawn["line"]["dash"] == on_plane["line"]["dash"] == "dash"


def prepare_export(at: AppTest, kind: str) -> tuple[bytes, str]:
    """Pick a format in the network page's panel, prepare it; returns the file
    and the download's address."""
    at.segmented_control(key="net_export_kind").set_value(kind)
    run(at)
    at.button(key="net_export_go").click()
    run(at)
    (button,) = at.get("download_button")
    return at.session_state["net_export_file"][1], button.proto.url


def test_the_export_panel_hands_over_a_png_of_both_figures_and_a_gif():
    from PIL import Image

    at = net_app(**SMALL, pin="sgd,lr=0.3,steps=30")
    data, url = prepare_export(at, "PNG")
    assert url.endswith(".png")  # the media address names the mime type's extension
    image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert image.shape == (600, 1200, 3) and image.std() > 20
    data, url = prepare_export(at, "GIF")
    assert url.endswith(".gif")
    frames = iio.imread(data, index=None)
    assert frames.shape == (41, 600, 1200, 3)  # steps 0 to 40, one frame each
    assert not at.exception and not at.error


def test_a_prepared_export_is_withdrawn_when_the_settings_change():
    at = net_app(**SMALL)
    prepare_export(at, "CSV")
    at.number_input(key="net_steps").set_value(30)
    run(at)
    assert not at.get("download_button")


def test_classroom_keeps_the_export_panel():
    at = net_app(**SMALL, classroom="1")
    data, url = prepare_export(at, "JSON")
    assert url.endswith(".json")
    assert len(json.loads(data)["path"]) == 41
