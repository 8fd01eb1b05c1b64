"""`python -m deploy.cluster --replicas N --port P`: N app servers, one port.

Each replica is the app as deployed (`python -m ui.serve`) on a loopback port
of its own, and HAProxy (config from deploy.haproxy) listens on P in front of
them. The replicas share one cookie secret: STREAMLIT_SERVER_COOKIE_SECRET
from the environment, or one made for this cluster. A supervisor restarts a
replica whose process ends, as Kubernetes restarts a pod; HAProxy's health
checks take it back once it answers. With one replica there is nothing to
balance: the server runs on P itself, as `make run` does.
"""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from deploy.haproxy import MAX_REPLICAS, Replica, config, replica_names
from landscape.browser import ROOT, free_port, serve_command, stop, wait_healthy

HAPROXY = os.environ.get("HAPROXY", "/usr/sbin/haproxy")
SECRET = "STREAMLIT_SERVER_COOKIE_SECRET"
WATCHER = "STREAMLIT_SERVER_FILE_WATCHER_TYPE"


class BadArgument(ValueError):
    """A REPLICAS or PORT that is not allowed; its message is one line."""


def parse_replicas(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_REPLICAS:
        raise BadArgument(
            f"REPLICAS={text} is not allowed: a whole number from 1 to {MAX_REPLICAS}"
        )
    return int(text)


def parse_port(text: str, address: str = "0.0.0.0") -> int:
    """A port number that is free to listen on."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise BadArgument(f"PORT={text} is not allowed: a whole number from 1 to 65535")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, int(text)))
        except OSError as e:
            raise BadArgument(f"PORT={text} cannot be used: {e.strerror}") from None
    return int(text)


@dataclass
class Server:
    """One replica: its name (in HAProxy and the cookie), port and process."""

    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Cluster:
    """N replicas and HAProxy; use `with cluster(n) as c` rather than this."""

    def __init__(self, n: int, port: int, address: str, workdir: Path):
        self.port, self.address, self.workdir = port, address, workdir
        self.servers = [
            Server(name, free_port(), workdir / f"{name}.log")
            for name in replica_names(n)
        ]
        self.socket = workdir / "haproxy.sock"
        self.env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
        self.env.setdefault(SECRET, secrets.token_hex(32))
        # As deployed (see the Dockerfile): no source watching. A watching
        # server polls every module's file for every new session; under a
        # class's arrival that stalled both replicas' event loops for ~20 s.
        self.env.setdefault(WATCHER, "none")
        self.haproxy: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.restarts: list[tuple[str, float]] = []  # (replica, when)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"

    def start(self, timeout: float) -> None:
        for server in self.servers:
            self._start(server)
        for server in self.servers:
            wait_healthy(server.url, server.proc, timeout)
        cfg = self.workdir / "haproxy.cfg"
        cfg.write_text(self.config())
        with open(self.workdir / "haproxy.log", "w") as log:
            self.haproxy = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(cfg)], stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.wait_up(timeout)
        threading.Thread(target=self._supervise, daemon=True).start()

    def config(self) -> str:
        replicas = [Replica(s.name, f"127.0.0.1:{s.port}") for s in self.servers]
        return config(replicas, f"{self.address}:{self.port}", str(self.socket))

    def _start(self, server: Server) -> None:
        # A session of its own: Ctrl-C reaches the cluster only, which stops the
        # replicas itself, so the supervisor never mistakes it for a crash.
        with open(server.log, "a") as log:
            server.proc = subprocess.Popen(
                serve_command(server.port), cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def _supervise(self) -> None:
        while not self.stopping.wait(0.5):
            with self.lock:
                for server in self.servers:
                    if server.proc.poll() is not None and not self.stopping.is_set():
                        self.restarts.append((server.name, time.monotonic()))
                        self._start(server)

    def states(self) -> dict[str, str]:
        """Each replica's state as HAProxy sees it: "UP", "DOWN", ..."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.socket))
            s.sendall(b"show stat\n")
            text = b"".join(iter(lambda: s.recv(65536), b"")).decode()
        rows = csv.DictReader(text.lstrip("# ").splitlines())
        names = {s.name for s in self.servers}
        return {r["svname"]: r["status"] for r in rows if r["svname"] in names}

    def wait_up(self, timeout: float, names=None) -> float:
        """Wait until HAProxy has these replicas (default all) UP; seconds waited."""
        names = set(names or (s.name for s in self.servers))
        started, states = time.monotonic(), {}
        while True:
            with contextlib.suppress(OSError):
                states = self.states()
                if all(states.get(n, "").startswith("UP") for n in names):
                    return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"HAProxy has not got {sorted(names)} up: {states}")
            if self.haproxy.poll() is not None:
                raise RuntimeError(f"HAProxy exited: see {self.workdir}/haproxy.log")
            time.sleep(0.2)

    def stop(self) -> None:
        self.stopping.set()
        with self.lock:  # not while the supervisor starts one
            procs = [self.haproxy, *(s.proc for s in self.servers)]
        for proc in procs:
            if proc is not None:
                stop(proc)


@contextlib.contextmanager
def cluster(n: int, port: int | None = None, address: str = "127.0.0.1",
            timeout: float = 180.0):  # fmt: skip
    """n replicas behind HAProxy; yields the Cluster (its url, servers, logs)."""
    with tempfile.TemporaryDirectory(prefix="landscape-cluster-") as workdir:
        c = Cluster(n, port or free_port(), address, Path(workdir))
        try:
            c.start(timeout)
            yield c
        finally:
            c.stop()


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicas", default="1")
    ap.add_argument("--port", default="8501")
    ap.add_argument("--address", default="0.0.0.0")
    args = ap.parse_args(argv)
    try:
        n = parse_replicas(args.replicas)
        port = parse_port(args.port, args.address)
    except BadArgument as e:
        print(f"make serve: {e}", file=sys.stderr)
        return 2
    if n == 1:
        os.chdir(ROOT)
        command = serve_command(port, args.address)
        os.execv(command[0], command)
    if not Path(HAPROXY).exists():
        print(f"make serve: {HAPROXY} is missing: apt-get install haproxy",
              file=sys.stderr)  # fmt: skip
        return 2
    # The replicas have sessions of their own: on SIGTERM, stop them first.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with cluster(n, port, args.address) as c:
        print(f"landscape: {n} replicas behind HAProxy at {c.url} "
              f"(logs in {c.workdir}); Ctrl-C stops them", flush=True)  # fmt: skip
        with contextlib.suppress(KeyboardInterrupt):
            while c.haproxy.poll() is None:
                time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
