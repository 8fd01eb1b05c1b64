"""The deployment, read rather than run: the Docker image, HAProxy's config (checked
by haproxy itself), docker-compose and Kubernetes, and make's bad-argument lines."""

from __future__ import annotations

import ast
import fnmatch
import subprocess
import sys

import pytest
import yaml

from deploy import haproxy
from deploy.cluster import HAPROXY
from deploy.haproxy import Replica
from tests.helpers import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
KUBERNETES = list(yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()))
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


# --- replicas behind a balancer: HAProxy, docker-compose, Kubernetes ----------
def haproxy_check(text: str, tmp_path) -> subprocess.CompletedProcess:
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(text)
    return subprocess.run([HAPROXY, "-c", "-f", str(cfg)], capture_output=True,
                          text=True)  # fmt: skip


@pytest.mark.parametrize("n", [1, 2, 8])
def test_haproxy_accepts_the_local_clusters_config(n, tmp_path):
    replicas = [Replica(f"r{i}", f"127.0.0.1:{9100 + i}") for i in range(1, n + 1)]
    text = haproxy.config(replicas, "127.0.0.1:9100", str(tmp_path / "s.sock"))
    checked = haproxy_check(text, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Configuration file is valid" in checked.stdout + checked.stderr
    # Affinity by cookie, health checks, a redispatch from a dead replica.
    assert f"cookie {haproxy.COOKIE} insert" in text
    assert "option httpchk GET /_stcore/health" in text
    assert "option redispatch" in text and "timeout tunnel" in text
    for r in replicas:
        assert f"server {r.name} {r.address} cookie {r.name} check" in text


def test_haproxy_rejects_a_broken_config_so_the_check_means_something(tmp_path):
    text = haproxy.config([Replica("r1", "127.0.0.1:9101")], "127.0.0.1:9100")
    broken = text.replace("balance leastconn", "balance fastest")
    assert haproxy_check(broken, tmp_path).returncode != 0


@pytest.mark.parametrize("n", [0, 9])
def test_the_config_refuses_replica_counts_outside_1_to_8(n):
    replicas = [Replica(f"r{i}", f"127.0.0.1:{9100 + i}") for i in range(n)]
    with pytest.raises(ValueError, match="1 to 8"):
        haproxy.config(replicas, ":9100")


def test_compose_runs_the_replicas_its_committed_haproxy_config_names(tmp_path):
    services = COMPOSE["services"]
    apps = sorted(name for name in services if name.startswith("app"))
    committed = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert committed == haproxy.compose_config(len(apps))  # not edited by hand
    assert haproxy_check(committed, tmp_path).returncode == 0
    assert len(apps) >= 2
    for name in apps:
        app = services[name]
        assert app["build"] == "." and app["restart"] == "unless-stopped"
        assert "STREAMLIT_SERVER_COOKIE_SECRET" in app["environment"]
        assert f"server r{name[3:]} {name}:8501 cookie r{name[3:]} check" in committed
    balancer = services["balancer"]
    assert balancer["image"].startswith("haproxy:")
    assert (
        "./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"
        in (balancer["volumes"])
    )
    assert balancer["ports"] == ["8501:8501"] and "bind :8501" in committed
    assert set(balancer["depends_on"]) == set(apps)


def test_kubernetes_has_cookie_affinity_and_health_probes():
    docs = {d["kind"]: d for d in KUBERNETES}
    assert set(docs) == {"Deployment", "Service", "Ingress"}
    deployment, service, ingress = docs["Deployment"], docs["Service"], docs["Ingress"]
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"] == labels == service["spec"]["selector"]
    (container,) = spec["template"]["spec"]["containers"]
    (port,) = container["ports"]
    assert port["containerPort"] == 8501
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get == {"path": "/_stcore/health", "port": port["name"]}, probe
    (env,) = container["env"]
    assert env["name"] == "STREAMLIT_SERVER_COOKIE_SECRET"
    assert env["valueFrom"]["secretKeyRef"]["name"] == "landscape"
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"] == haproxy.COOKIE
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600  # websockets
    (path,) = ingress["spec"]["rules"][0]["http"]["paths"]
    backend = path["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] == service["spec"]["ports"][0]["name"]


# Bad REPLICAS or PORT: one line saying what is allowed, no traceback.
BAD_ARGUMENTS = [
    ("REPLICAS=0", "REPLICAS=0 is not allowed: a whole number from 1 to 8"),
    ("REPLICAS=9", "REPLICAS=9 is not allowed: a whole number from 1 to 8"),
    ("REPLICAS=two", "REPLICAS=two is not allowed: a whole number from 1 to 8"),
    ("PORT=http", "PORT=http is not allowed: a whole number from 1 to 65535"),
    ("PORT=65536", "PORT=65536 is not allowed: a whole number from 1 to 65535"),
]


@pytest.mark.parametrize("target", ["serve", "loadtest", "faulttest"])
@pytest.mark.parametrize("argument, line", BAD_ARGUMENTS)
def test_make_says_in_one_line_what_is_allowed(target, argument, line):
    done = subprocess.run(["make", "-n", target, argument], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"Makefile:{done.stderr.split(':')[1]}: *** {line}.  Stop."
    ]


def test_make_loadtest_pins_only_when_asked_and_says_what_pin_allows():
    def dry(*arguments):
        return subprocess.run(["make", "-n", "loadtest", *arguments], cwd=ROOT,
                              capture_output=True, text=True)  # fmt: skip

    assert "--pin" not in dry().stdout
    assert "--pin" not in dry("PIN=0").stdout
    assert "scripts.loadtest" in dry("PIN=1").stdout and "--pin" in dry("PIN=1").stdout
    done = dry("PIN=yes")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"Makefile:{done.stderr.split(':')[1]}: *** PIN=yes is not allowed: 0 (the "
        "server shares every core) or 1 (the server on a core of its own).  Stop."
    ]


@pytest.mark.parametrize("argument, line", BAD_ARGUMENTS)
def test_the_launcher_says_in_one_line_what_is_allowed(argument, line):
    name, value = argument.split("=")
    done = subprocess.run(
        [sys.executable, "-m", "deploy.cluster", f"--{name.lower()}", value],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"make serve: {line}"]
