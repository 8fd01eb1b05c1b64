"""An engine failure on the page: one clear error line, and the rest still works."""

from __future__ import annotations

import pytest

from landscape import surface, trainer
from tests.helpers import make_app, path_names, run, runs_table
from ui import layout

PIN = "adam,lr=0.1,steps=50"


pytestmark = pytest.mark.usefixtures("fresh_caches")


def test_a_run_the_engine_cannot_make_is_one_line_and_the_others_still_draw(
    monkeypatch,
):
    real = trainer.run

    def failing(data, cfg):
        if cfg.optimizer == "adam":
            raise RuntimeError("XLA compilation failed:\n  out of memory (fake)")
        return real(data, cfg)

    monkeypatch.setattr(trainer, "run", failing)
    at = run(make_app(dataset="overlap", pin=PIN))
    errors = [e.value for e in at.error]
    assert errors == [
        "Training Adam · lr 0.1 failed: XLA compilation failed: out of memory "
        "(fake). To go on, change its settings."
    ]
    assert path_names(at) == ["Gradient descent · lr 0.1 (live)"]
    assert {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")} == {
        "contour", "losses", "data"
    }  # fmt: skip
    table = runs_table(at)  # the runs table
    assert table["run"].tolist() == ["Gradient descent · lr 0.1 (live)"]


def test_a_surface_the_engine_cannot_make_is_one_line_and_the_controls_stay(
    monkeypatch,
):
    def failing(*args, **kwargs):
        raise ValueError("grid too large")

    monkeypatch.setattr(surface, "loss_surface", failing)
    at = run(make_app())
    assert [e.value for e in at.error] == [
        "Computing the loss surface failed: grid too large. To go on, change the data."
    ]
    assert at.get("plotly_chart") == []
    assert at.number_input(key="lr_box").value == 0.1  # the controls still work
    at.number_input(key="lr_box").set_value(0.3)
    run(at)
    assert at.query_params["lr"] == "0.3"


def test_the_runs_table_is_markdown_whatever_its_cells_hold():
    # A cell with Markdown's own characters (a pipe would end the cell) shows
    # as typed, and the page's table reads back cell for cell.
    rows = [
        {"run": "a | b *c* [d](e)", "final loss": "0.5"},
        {"run": "plain", "final loss": "—"},
    ]
    text = layout.markdown_table(rows)
    assert text.splitlines()[:2] == ["| run | final loss |", "| :-- | --: |"]
    assert r"a \| b \*c\* \[d\](e)" in text
    assert layout.markdown_table([]) == ""
    at = run(make_app(dataset="overlap", pin=PIN))
    table = runs_table(at)
    assert list(table.columns) == ["run", "final loss", "lowest loss",
                                   "within 1% of min at step", "diverged"]  # fmt: skip
    assert table["run"].tolist() == [
        "Gradient descent · lr 0.1 (live)",
        "Adam · lr 0.1",
    ]
    assert not at.dataframe  # no Arrow grid for the first page to load
