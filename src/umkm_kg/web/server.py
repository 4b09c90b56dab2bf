"""Running the app: the graph a server opens, and uvicorn on a bound socket."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path

from ..errors import StoreError
from ..kg import KnowledgeGraph
from ..store import DiskStore
from ..store.pool import DEFAULT_SIZE, WorkerPool
from .settings import WebSettings


def open_graph(data_dir: Path, *, workers: int = DEFAULT_SIZE) -> KnowledgeGraph:
    """The persistent store of ``data_dir`` with a pool of ``workers`` query processes.

    Every query then runs in one of those processes, killed at its time limit (a thread could
    not be stopped), while the other processes go on answering.

    :raises StoreError: the data folder's store cannot be opened.
    """
    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=True)
    store = kg.store
    if not isinstance(store, DiskStore):  # pragma: no cover - embedded() with a data folder
        raise StoreError(f"{data_dir}: not a persistent store")
    single = store.worker
    pool = WorkerPool(workers)
    pool.start()
    store.worker = pool
    if single is not None:
        single.close()
    return kg


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address) is only reachable from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one).

    :raises StoreError: the address cannot be bound (in use, not this machine's).
    """
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Inherited by each accepted connection. Without it, a kept-alive connection waits ~40 ms
    # per answer (uvicorn writes headers and body apart: Nagle meets the client's delayed ACK),
    # and asyncio does not set it on connections of a socket handed to it.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise StoreError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="choose another --port (0 picks a free one)",
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run(
    kg: KnowledgeGraph,
    settings: WebSettings,
    sock: socket.socket,
    *,
    log_level: str = "info",
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve ``kg`` on ``sock`` until interrupted (Ctrl-C, SIGTERM)."""
    import uvicorn

    from .app import create_app

    app = create_app(kg, settings=settings)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if announce is not None:
        announce(f"http://{shown}:{port}/")
    config = uvicorn.Config(
        app,
        log_level=log_level,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run(sockets=[sock])
