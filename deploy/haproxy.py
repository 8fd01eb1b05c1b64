"""HAProxy's config for N landscape replicas, written from one template.

Usage: python -m deploy.haproxy --compose 2 > deploy/haproxy.cfg

One function writes both configs the project uses: the local cluster's
(`make serve REPLICAS=N`: replicas on loopback ports) and docker-compose's
(replicas by service name, found through Docker's DNS). The committed
deploy/haproxy.cfg is this module's output, and a test keeps it so.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

HEALTH = "/_stcore/health"
COOKIE = "landscape-replica"
MAX_REPLICAS = 8

# Why each setting, since a balancer's defaults suit short HTTP requests:
# - a Streamlit session is one long websocket; HAProxy passes the Upgrade in
#   http mode, and `timeout tunnel` (not client/server) then bounds idleness;
# - cookie insert: the page's GET picks a replica and names it in a cookie, so
#   the websocket and the upload's PUT (/_stcore/upload_file/<session>/...)
#   reach the replica that holds the session; `indirect` keeps it from the app;
# - redispatch: a cookie naming a dead replica goes to a live one at once,
#   which is how a class on a killed replica reconnects;
# - leastconn: sessions are long-lived sockets, so count them, not requests;
# - the health check tolerates a busy server (timeout check) but a dead one
#   refuses connections and is marked down after `fall` checks, or at once by
#   the first refused connection (observe layer4), so that reconnecting
#   sessions go to a live replica rather than wait for a restarted one;
# - slowstart: a replica back up is still importing TensorFlow and compiling,
#   so it gets its share of new sessions gradually.
TEMPLATE = """\
# Written by deploy/haproxy.py ({what}); edit the template there, not this file.
global
    maxconn 4096
{globals}
defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout client 60s
    timeout server 300s
    timeout tunnel 1h
    timeout client-fin 10s
    timeout check 10s
    retries 3
    option redispatch
{resolvers}
frontend landscape
    bind {bind}
    default_backend replicas

backend replicas
    balance leastconn
    cookie {cookie} insert indirect nocache httponly
    option httpchk GET {health}
    http-check expect status 200
    default-server inter 2s fastinter 500ms fall 2 rise 2 {on_error}{server_options}
{servers}
"""

DOCKER_DNS = """
resolvers docker
    nameserver dns 127.0.0.11:53
    hold valid 5s
"""


@dataclass(frozen=True)
class Replica:
    """One app server: its name in the cookie and where it listens."""

    name: str
    address: str  # host:port


def replica_names(n: int) -> list[str]:
    return [f"r{i}" for i in range(1, n + 1)]


def config(replicas: list[Replica], bind: str, stats_socket: str = "",
           compose: bool = False) -> str:  # fmt: skip
    """The HAProxy config text.

    Args:
        replicas: the app servers, 1 to MAX_REPLICAS.
        bind: where the balancer listens, e.g. "127.0.0.1:8501" or ":8501".
        stats_socket: a Unix socket for `show servers state` (the local cluster
            reads its replicas' state through it), or "" for none.
        compose: replicas are service names resolved by Docker's DNS, which
            may not answer until their containers start.
    Returns:
        The config, for `haproxy -f`.
    """
    if not 1 <= len(replicas) <= MAX_REPLICAS:
        raise ValueError(f"1 to {MAX_REPLICAS} replicas, got {len(replicas)}")
    servers = "\n".join(
        f"    server {r.name} {r.address} cookie {r.name} check" for r in replicas
    )
    stats = f"    stats socket {stats_socket} mode 600 level admin\n"
    return TEMPLATE.format(
        what="docker-compose" if compose else "the local cluster",
        globals=stats if stats_socket else "",
        resolvers=DOCKER_DNS if compose else "",
        bind=bind,
        cookie=COOKIE,
        health=HEALTH,
        on_error="observe layer4 error-limit 1 on-error mark-down slowstart 30s",
        server_options=" resolvers docker init-addr last,libc,none" if compose else "",
        servers=servers,
    )


def compose_config(n: int) -> str:
    """docker-compose's config: services app1..appN on port 8501."""
    names = replica_names(n)
    return config(
        [Replica(name, f"app{name[1:]}:8501") for name in names],
        bind=":8501",
        compose=True,
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--compose", type=int, metavar="N", required=True,
                    help="replicas app1..appN of docker-compose.yml")  # fmt: skip
    args = ap.parse_args(argv)
    sys.stdout.write(compose_config(args.compose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
