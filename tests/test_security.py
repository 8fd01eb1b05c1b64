"""Security hygiene from the source: no eval or pickle, bounded caches, safe HTML."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.helpers import ROOT, make_app, run, texts

# The page's code. ui/serve.py is left out: it only starts the server (it names
# app.py's own path) and never sees a request.
SERVED = [
    ROOT / "app.py",
    *sorted(p for p in (ROOT / "ui").rglob("*.py") if p.name != "serve.py"),
]
ENGINE = sorted((ROOT / "landscape").rglob("*.py"))  # figures/ too


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def calls(path: Path):
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            yield name, node


@pytest.mark.parametrize(
    "path", SERVED + ENGINE, ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_no_eval_exec_or_pickle(path):
    for name, node in calls(path):
        assert name not in ("eval", "exec", "__import__"), (path, node.lineno)
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
            assert not {"pickle", "marshal", "shelve", "dill"} & set(names), path


@pytest.mark.parametrize("path", SERVED, ids=lambda p: p.name)
def test_the_page_never_opens_a_file_or_a_path(path):
    # URL values and uploads stay in memory: the served code has no file access.
    for name, node in calls(path):
        assert name not in ("open", "Path", "read_bytes", "read_text", "write_bytes",
                            "write_text", "NamedTemporaryFile", "mkstemp", "Popen",
                            "system"), (path.name, name, node.lineno)  # fmt: skip
        if name == "load_csv":  # only ever with the uploaded bytes
            assert "getvalue" in ast.unparse(node) or "raw" in ast.unparse(node)


@pytest.mark.parametrize("path", SERVED, ids=lambda p: p.name)
def test_html_is_only_ever_fixed_text(path):
    for name, node in calls(path):
        for kw in node.keywords:
            if kw.arg == "unsafe_allow_html":
                assert isinstance(kw.value, ast.Constant) and not kw.value.value
        if name == "html":
            assert all(isinstance(a, ast.Constant) for a in node.args), node.lineno


def caches():
    for path in SERVED:
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    text = ast.unparse(deco)
                    if "cache_data" in text or "cache_resource" in text:
                        yield pytest.param(node.name, deco, id=node.name)


@pytest.mark.parametrize("name, deco", list(caches()))
def test_every_cache_has_max_entries_or_ttl(name, deco):
    keywords = {kw.arg for kw in getattr(deco, "keywords", [])}
    assert keywords & {"max_entries", "ttl"}, f"{name}: {ast.unparse(deco)}"


def test_deployments_hide_error_details_and_limit_uploads():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["server"]["maxUploadSize"] == 5
    readme = (ROOT / "README.md").read_text()
    assert "showErrorDetails" in readme and "/_stcore/health" in readme


def test_presets_come_from_the_registry_never_from_a_path():
    at = run(make_app(dataset="../../../etc/passwd", lesson="/etc/hosts"))
    assert at.selectbox(key="in_dataset").value == "overlap"
    assert any("dataset" in w.value for w in at.warning)


def test_url_text_in_warnings_is_shown_escaped():
    link = "[log in here](https://example.com)"
    at = run(make_app(lr=link, **{"x<b>y</b>": "1"}))
    shown = texts(at)
    assert any("log in here" in t for t in shown)
    assert not any(link in t or "<b>y</b>" in t for t in shown), shown
