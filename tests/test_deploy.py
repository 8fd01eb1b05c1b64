"""The Docker image, read rather than built: what it copies, runs and probes."""

from __future__ import annotations

import ast
import fnmatch

from tests.helpers import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
IGNORED = [
    line.strip()
    for line in (ROOT / ".dockerignore").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def ignored(path: str) -> bool:
    return any(
        fnmatch.fnmatch(path, pattern) or path.split("/")[0] == pattern
        for pattern in IGNORED
    )


def local_imports() -> set[str]:
    """Top-level modules of this repository that the served page imports."""
    found = set()
    for path in [ROOT / "app.py", *(ROOT / "ui").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if (ROOT / top).is_dir() or (ROOT / f"{top}.py").exists():
                    found.add(top)
    return found


def test_the_image_holds_everything_the_page_imports():
    assert {"landscape", "ui"} <= local_imports()
    for top in local_imports() | {"app.py", ".streamlit", "requirements.txt"}:
        assert not ignored(top), top
    assert "COPY . ." in DOCKERFILE
    for kept_out in ("tests", ".venv", ".git"):
        assert ignored(kept_out)


def test_the_image_serves_on_all_interfaces_with_a_health_check():
    assert DOCKERFILE.startswith("#") and "FROM python:3.11-slim" in DOCKERFILE
    assert "pip install -r requirements.txt" in DOCKERFILE
    assert "EXPOSE 8501" in DOCKERFILE
    healthcheck = DOCKERFILE[DOCKERFILE.index("HEALTHCHECK") :].split("\n\n")[0]
    assert "/_stcore/health" in healthcheck
    cmd = DOCKERFILE[DOCKERFILE.index("\nCMD ") :]
    for part in ('"-m", "ui.serve"', '"--server.address", "0.0.0.0"'):
        assert part in cmd
    # Exports draw through Debian's Chromium, where landscape.browser looks.
    assert "apt-get install" in DOCKERFILE and "chromium" in DOCKERFILE
    assert "USER " in DOCKERFILE  # not root
