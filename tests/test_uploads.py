"""Bad uploads through the app: one line of error each, and nothing is lost."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from landscape import trainer
from landscape.config import RunConfig
from landscape.data import csvfile, presets
from tests.helpers import (
    ROOT,
    charts,
    live_xy,
    make_app,
    name_the_upload,
    path_names,
    run,
    strings,
    warnings,
)
from tests.helpers import texts as page_texts

PIN = "sgd,lr=0.1,steps=100,w1=-2,w2=2"
FIVE_MB = 5 * 1024 * 1024
GOOD = b"dose,label\n" + b"".join(f"{i / 10:g},{i % 2}\n".encode() for i in range(40))


pytestmark = pytest.mark.usefixtures("fresh_caches")


def upload(at, name: str, raw: bytes):
    at.file_uploader(key="in_file").set_value((name, raw, "text/csv"))
    return run(at)


def snapshot(at) -> tuple:
    """What the user has: the data set, the runs drawn and the URL's data set."""
    return (
        at.selectbox(key="in_dataset").value,
        path_names(at),
        live_xy(at).tolist(),
        at.query_params["dataset"],
    )


def started():
    at = run(make_app(dataset="overlap", optimizer="adam", lr="0.05", pin=PIN))
    assert path_names(at) == ["Adam · lr 0.05 (live)", "Gradient descent · lr 0.1"]
    return at


# (file name, bytes, words the one-line error must contain)
BAD = [
    ("big.csv", b"x,label\n" + b"1,0\n" * (FIVE_MB // 4), ["larger than 5 MB"]),
    ("latin1.csv", "température,label\n1,0\n2,1\n".encode("latin-1"),
     ["not UTF-8", "byte 0xe9"]),
    ("utf16.csv", "x,label\n1,0\n2,1\n".encode("utf-16"), ["NUL bytes"]),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ["not text"]),
    ("noise.csv", bytes(range(128, 256)) * 8, ["not UTF-8"]),
    ("ragged.csv", b"x,label\n1,0\n2\n3,1\n", ["row 2 (line 3)", "1 cells"]),
    ("text.csv", b"x,label\n1,0\nabc,1\n", ["row 2 (line 3), column 'x'",
                                           "'abc' is not a number"]),
    ("empty_cell.csv", b"x,label\n1,0\n,1\n", ["row 2 (line 3), column 'x'", "empty"]),
    ("nan.csv", b"x,label\n1,0\nnan,1\n", ["row 2 (line 3), column 'x'", "not finite"]),
    ("inf.csv", b"x,label\n1,0\n2,-inf\n", ["row 2 (line 3), column 'label'",
                                           "not finite"]),
    ("huge.csv", b"x,label\n1,0\n1e39,1\n", ["row 2 (line 3), column 'x'",
                                            "too large for float32"]),
    ("wide.csv", b"a,b,c,label\n1,2,3,0\n4,5,6,1\n", ["4 columns"]),
    ("one_col.csv", b"label\n0\n1\n", ["1 columns"]),
    ("one_row.csv", b"x,label\n1,0\n", ["1 data row"]),
    ("header_only.csv", b"x,label\n", ["0 data row"]),
    ("empty.csv", b"", ["empty"]),
    ("no_header.csv", b"1,0\n2,1\n3,0\n", ["looks like data"]),
    ("blank_line.csv", b"x,label\n1,0\n\n2,1\n", ["line 3 is empty"]),
    ("many_rows.csv", b"x,label\n" + b"1,0\n" * 100_001, ["too many rows"]),
    ("quote.csv", b'x,label\n"1,0\n2,1\n', ["row 1 (line 2)"]),
]  # fmt: skip


@pytest.mark.parametrize("name, raw, words", BAD, ids=[b[0] for b in BAD])
def test_a_bad_upload_is_one_line_naming_where_and_keeps_everything(name, raw, words):
    at = started()
    before = snapshot(at)

    upload(at, name, raw)
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    (error,) = errors
    assert error.startswith(f"{name}: ") and "\n" not in error
    for word in words:
        assert word in error, (word, error)
    assert "Traceback" not in error
    assert snapshot(at) == before
    assert "upload" not in at.selectbox(key="in_dataset").options


def test_the_size_limit_is_the_same_in_the_server_and_the_app():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 5  # MB, Streamlit's own check
    assert csvfile.MAX_CSV_BYTES == FIVE_MB  # the app's in-memory check
    # Exactly at the limit is allowed: the rows parse (and then are too many).
    exact = b"x,label\n" + b"1,0\n" * ((FIVE_MB - 8) // 4)
    with pytest.raises(ValueError, match="too many rows"):
        csvfile.load_csv(exact + b"\n" * (FIVE_MB - len(exact)))


def test_a_bad_upload_after_a_good_one_keeps_the_uploaded_data():
    at = started()
    upload(at, "doses.csv", GOOD)
    assert at.selectbox(key="in_dataset").value == "upload"
    name_the_upload(at, "doses.csv")
    before = snapshot(at)

    upload(at, "broken.csv", b"dose,label\n1,0\n2,x\n")
    assert [e.value for e in at.error] == [
        "broken.csv: row 2 (line 3), column 'label': 'x' is not a number; "
        "every value must be a finite number"
    ]
    assert snapshot(at) == before
    name_the_upload(at, "doses.csv")
    run(at)  # the error stays, and so do the data and runs, on later reruns
    assert len(at.error) == 1 and snapshot(at) == before


def test_non_binary_labels_switch_cross_entropy_to_an_allowed_loss():
    # What the app does: labels other than 0/1 make the data regression, and the
    # loss radio offers L2 and L1 only, switching to L2. No error, no exception.
    at = started()
    assert at.radio(key="in_loss").value == "cross_entropy"
    assert not any("needs labels that are all 0 or 1" in t for t in page_texts(at))
    upload(at, "three_classes.csv", b"x,label\n0,0\n1,1\n2,2\n3,1\n")

    assert [e.value for e in at.error] == []
    assert at.selectbox(key="in_dataset").value == "upload"
    assert at.radio(key="in_loss").options == [
        "L2 (mean squared error)",
        "L1 (mean absolute error)",
    ]
    assert at.radio(key="in_loss").value == "mse"
    assert at.query_params["loss"] == "mse"
    assert any("needs labels that are all 0 or 1" in t for t in page_texts(at))
    assert np.isfinite(live_xy(at)).all()


HOSTILE_HEADER = b"<b>x</b>,**y**,label\n1,2,0\n2,1,1\n3,3,0\n-1,2,1\n"


def test_column_names_reach_plotly_escaped():
    at = started()
    upload(at, "tags.csv", HOSTILE_HEADER)
    assert at.selectbox(key="in_dataset").value == "upload"
    shown = [s for fig in charts(at).values() for s in strings(fig["layout"])]
    assert not any("<b>x</b>" in s for s in shown)
    assert any("&lt;b&gt;x&lt;/b&gt;" in s for s in shown)


def test_column_and_file_names_reach_markdown_escaped():
    at = started()
    upload(at, "[x](http://example.com).csv", HOSTILE_HEADER)
    name_the_upload(at, "[x](http://example.com).csv")
    upload(at, "[y](http://example.com).csv", b"a,label\n1,x\n")
    for body in page_texts(at):
        for raw in ("<b>x</b>", "**y**", "[x](http://example.com)", "[y](http"):
            assert raw not in body, body


def test_column_names_never_turn_on_raw_html():
    at = started()
    upload(at, "tags.csv", HOSTILE_HEADER)
    for kind in ("markdown", "caption"):
        for element in at.get(kind):
            if "<b>x</b>" in element.value:
                assert not element.proto.allow_html, element.value


def test_a_session_that_lost_its_upload_says_so_and_keeps_its_other_settings():
    # The uploading session writes dataset=upload into its URL; its replica dies
    # and the browser reconnects to another, a new session with that URL.
    first = run(make_app(optimizer="adam", lr="0.05", steps="150", w1="-1.5", w2="1"))
    upload(first, "doses.csv", GOOD)
    assert first.query_params["dataset"] == "upload"
    url = dict(first.query_params)

    at = run(make_app(**url))
    (warning,) = warnings(at)
    assert warning.startswith("The uploaded file was lost")
    assert "Upload the file again" in warning and "'overlap'" in warning
    assert "\n" not in warning and not at.error
    assert at.selectbox(key="in_dataset").value == "overlap"
    assert at.query_params["dataset"] == "overlap"
    # The rest of the URL's settings stand, and the live run is the engine's own.
    data = presets.make_dataset("overlap", 200, None, 0)
    cfg = RunConfig(loss="cross_entropy", optimizer="adam", learning_rate=0.05,
                    steps=150, start=(-1.5, 1.0), seed=0)  # fmt: skip
    np.testing.assert_allclose(live_xy(at), trainer.run(data, cfg).weights, atol=1e-6)
