"""Serve a whole class from one machine: several `streamlit run app.py` processes behind nginx, sessions sticky.

    .venv/bin/python deploy/serve.py --processes 2 [--port 8501] [--first-backend-port 8601]

One Streamlit process runs every session's script under one GIL: about one core, whatever the machine has. This starts
``--processes`` of them on consecutive local ports (127.0.0.1 only: the class reaches them through nginx), writes
nginx's configuration from deploy/nginx.conf.template for those ports, and runs Debian's nginx on the public port in
the foreground once each process has run the app once (its imports, and the start of its warm-up: see warmup_env).
A visit's first request goes to the next process in turn and gets a cookie naming it; nginx sends every later request
carrying it, the session's websocket included, to the same process (the template says how). Ctrl-C or SIGTERM stops
them all.

Everything written goes under ``--prefix`` (default artifacts/serve/): nginx.conf, nginx's pid, logs and buffers, and
each process's log (streamlit-<port>.log). Before starting, the compile cache is primed as ``make run`` does
(``python -m lab warm``: nothing to do when it is current; ``--no-prime`` skips it).
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().with_name("nginx.conf.template")
NGINX = "/usr/sbin/nginx"  # Debian's; /usr/sbin is not on an ordinary user's PATH
INSTALL = "install it with: sudo apt-get install nginx"


class ServeError(RuntimeError):
    """Something the person starting the class must fix (said in one sentence)."""


def find_nginx(given: str | None = None) -> str:
    """The nginx executable: ``given``, else Debian's /usr/sbin/nginx, else one on PATH; ServeError if none."""
    for candidate in [given] if given else [NGINX, shutil.which("nginx")]:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise ServeError(f"nginx is not installed ({given or NGINX} is missing): {INSTALL}")


def _user_line() -> str:
    """nginx's ``user`` directive. Run by an ordinary user, nginx's workers are that user (no directive: it would be
    ignored with a warning). Run as root, they would become "nobody", who may not read the checkout's static/ (under
    /root, say) nor the prefix: they run as the owner of the checkout instead, who wrote those files."""
    if os.geteuid() != 0:
        return ""
    owner = pwd.getpwuid(ROOT.stat().st_uid)
    return f"user {owner.pw_name} {grp.getgrgid(owner.pw_gid).gr_name};"


def render_config(
    ports: list[int],
    listen: str,
    prefix: Path,
    *,
    base_url_path: str = "",
    static: Path = ROOT / "static",
    template: Path = TEMPLATE,
) -> str:
    """nginx.conf from the template for the backends on these local ports (process n, from 1, on ports[n - 1]): the
    public ``listen`` (a port, or address:port), the prefix for nginx's own files, the app's base URL path and its
    static folder."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    address = [f"127.0.0.1:{p}" for p in ports]
    pinned = []  # process n's upstream: n, the others as backups
    for n, a in enumerate(address, 1):
        backups = "".join(f"\n        server {b} backup;" for b in address if b != a)
        pinned.append(f"    upstream lll_{n} {{\n        server {a};{backups}\n        keepalive 16;\n    }}")
    fields = {
        "user": _user_line(),
        "prefix": str(prefix.resolve()),
        "listen": listen,
        "servers": "\n".join(f"        server {a};" for a in address),
        "pinned": "\n".join(pinned),
        "routes": "\n".join(f"        {n} lll_{n};" for n in range(1, len(ports) + 1)),
        "addresses": "\n".join(f'        "~{re.escape(a)}$" {n};' for n, a in enumerate(address, 1)),
        "base": base,
        "static": str(static.resolve()),
    }
    text = template.read_text()
    for name, value in fields.items():
        text = text.replace("{{" + name + "}}", value)
    if left := re.findall(r"\{\{(\w+)\}\}", text):
        raise ValueError(f"{template}: fields without a value: {sorted(set(left))}")
    return text


def warmup_env(index: int, primed: bool, env: dict[str, str]) -> str:
    """LLL_WARMUP for the index-th process. The warm-up (lab/warmup.py; app.py starts it in a process's first run,
    which serving() makes happen at start) fills a process's memory with the programs of every page's first view.
    With the compile cache primed (python -m lab warm, which main() runs first) it only loads them from .jax_cache/,
    about 4 s of one core a process, before the class arrives: worth it in every process, since each process holds
    its own programs and a process that skipped it makes its first students wait for those loads. Without a primed
    cache the warm-up compiles everything (minutes of CPU): then only the first process does, writing the shared
    cache on disk, and the others load from it what it has written when their sessions need it instead of compiling
    the same programs side by side on the same cores. LLL_WARMUP=0 in the environment (the tests) turns it off
    everywhere."""
    if env.get("LLL_WARMUP") == "0":
        return "0"
    return "1" if primed or index == 0 else "0"


def cache_primed(python: str = sys.executable) -> bool:
    """Whether the compile cache is primed for this code and JAX (python -m lab warm --check, in its own process:
    this one stays small while the class runs)."""
    return subprocess.run([python, "-m", "lab", "warm", "--check"], cwd=ROOT, capture_output=True).returncode == 0


def backend_command(port: int, base_url_path: str = "", python: str = sys.executable) -> list[str]:
    """`streamlit run app.py` on 127.0.0.1:port (as `make run`, but local only: nginx is the door)."""
    cmd = [python, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1"]
    cmd += ["--server.headless", "true", "--server.scriptHealthCheckEnabled", "true"]  # first_run()
    if base_url_path.strip("/"):
        cmd += ["--server.baseUrlPath", base_url_path.strip("/")]
    return cmd


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


def first_run(url: str, timeout: float = 90.0) -> bool:
    """Run the app once in the process at ``url``, in a session of Streamlit's own (its script health check): the
    imports (a few seconds of a core) and the start of the warm-up happen now, not in a student's first visit.
    Whether the run finished without an error."""
    try:
        with urllib.request.urlopen(url + "/_stcore/script-health-check", timeout=timeout) as r:
            return r.read() == b"ok"
    except OSError:  # 503: an error or no end in Streamlit's 60 s
        return False


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on the port (a closed connection's TIME_WAIT does not count: nginx and Streamlit bind
    with SO_REUSEADDR, as here)."""
    with contextlib.closing(socket.socket()) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 10.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Running:
    """What serving() started: the public URL, the backends (port -> process) and nginx."""

    url: str
    backends: dict[int, subprocess.Popen] = field(default_factory=dict)
    nginx: subprocess.Popen | None = None
    prefix: Path = ROOT / "artifacts" / "serve"

    def dead(self) -> str | None:
        """What has stopped among them, if anything did."""
        for port, p in self.backends.items():
            if p.poll() is not None:
                return f"the Streamlit process on port {port} stopped (exit {p.returncode}): see {self.log(port)}"
        if self.nginx is not None and self.nginx.poll() is not None:
            return f"nginx stopped (exit {self.nginx.returncode}): see {self.prefix / 'error.log'}"
        return None

    def log(self, port: int) -> Path:
        return self.prefix / f"streamlit-{port}.log"


@contextlib.contextmanager
def serving(
    processes: int,
    port: int,
    first_backend_port: int,
    prefix: Path,
    *,
    address: str = "",
    base_url_path: str = "",
    nginx: str | None = None,
    primed: bool = True,
    run_first: bool = True,
    timeout: float = 120.0,
    say=print,
) -> Iterator[Running]:
    """The backends and nginx running (each answering its health check, and, with ``run_first``, having run the app
    once: first_run) for the body of the with; all stopped after it, nginx first (no new requests), then the
    backends."""
    nginx = find_nginx(nginx)  # before anything starts
    ports = [first_backend_port + i for i in range(processes)]
    host = address or "127.0.0.1"
    if busy := [p for p in [port, *ports] if not port_free(p, "127.0.0.1" if p in ports else address or "0.0.0.0")]:
        raise ServeError(f"port(s) {', '.join(map(str, busy))} in use: choose others (--port, --first-backend-port)")
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "tmp").mkdir(exist_ok=True)
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    listen = f"{address}:{port}" if address else str(port)
    conf = prefix / "nginx.conf"
    conf.write_text(render_config(ports, listen, prefix, base_url_path=base_url_path))
    test = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", f"{prefix}/"], capture_output=True, text=True)
    if test.returncode:
        raise ServeError(f"nginx rejects {conf}: {test.stderr.strip()}")

    # The same cookie secret in every process: a cookie one of them signed (st.login's, the session middleware's)
    # is valid in the others, should a session ever move (its process stopped).
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    running = Running(f"http://{host}:{port}{base}", prefix=prefix.resolve())
    try:
        for i, p in enumerate(ports):
            with open(running.log(p), "w") as log:  # the child keeps its own descriptor
                running.backends[p] = subprocess.Popen(
                    backend_command(p, base_url_path),
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**env, "LLL_WARMUP": warmup_env(i, primed, os.environ)},
                    start_new_session=True,  # Ctrl-C reaches this process only: it stops the others in order
                )
        deadline = time.monotonic() + timeout
        waiting = set(ports)
        while waiting:
            waiting = {p for p in waiting if not _answers(f"http://127.0.0.1:{p}{base}/_stcore/health")}
            if problem := running.dead():
                raise ServeError(problem)
            if waiting and time.monotonic() > deadline:
                raise ServeError(f"the Streamlit processes on {sorted(waiting)} did not answer in {timeout:.0f} s")
            if waiting:
                time.sleep(0.3)
        with ThreadPoolExecutor(len(ports)) as pool:
            runs = pool.map(lambda p: first_run(f"http://127.0.0.1:{p}{base}") if run_first else True, ports)
            ran = dict(zip(ports, runs, strict=True))
        for p in (p for p, ok in ran.items() if not ok):
            say(f"warning: the app's first run in the process on port {p} failed: see {running.log(p)}")
        with open(prefix / "nginx.out", "w") as out:
            running.nginx = subprocess.Popen(
                [nginx, "-c", str(conf), "-p", f"{prefix}/"],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while not _answers(f"http://{host}:{port}{base}/_stcore/health"):
            if problem := running.dead():
                raise ServeError(problem)
            if time.monotonic() > deadline:
                raise ServeError(f"nginx did not answer on port {port}: see {prefix / 'error.log'}")
            time.sleep(0.2)
        pids = ",".join(str(p.pid) for p in running.backends.values())  # for benchmarks/class_load.py --pids
        say(f"{processes} Streamlit processes (pids {pids}) on 127.0.0.1:{ports[0]}-{ports[-1]}, nginx on port {port}")
        yield running
    finally:
        if running.nginx is not None:
            _stop(running.nginx)  # TERM: nginx's fast shutdown (QUIT would wait for every websocket to close)
        for proc in running.backends.values():
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        for proc in running.backends.values():
            _stop(proc)


def share_url(port: int, base: str) -> str:
    """The address students type: this machine's address on its network (the interface of the default route)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: it only picks the interface
            ip = s.getsockname()[0]
        except OSError:
            ip = socket.gethostname()
    return f"http://{ip}:{port}{base}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="deploy/serve.py", description="Several Streamlit processes of the app behind nginx, sessions sticky."
    )
    p.add_argument("--processes", type=int, default=2, help="Streamlit processes (default 2: about one a core)")
    p.add_argument("--port", type=int, default=8501, help="the public port, nginx's (default 8501, as make run)")
    p.add_argument("--address", default="", help="the public address nginx listens on (default: all)")
    p.add_argument(
        "--first-backend-port", type=int, default=8601, help="the processes' local ports start here (default 8601)"
    )
    p.add_argument("--base-url-path", default="", help="serve under this path (Streamlit's server.baseUrlPath)")
    p.add_argument("--prefix", type=Path, default=ROOT / "artifacts" / "serve", help="nginx's files and the logs")
    p.add_argument("--nginx", help=f"the nginx executable (default {NGINX})")
    p.add_argument("--no-prime", action="store_true", help="do not prime the compile cache first (python -m lab warm)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.processes < 1:
        raise SystemExit("--processes: at least 1")
    try:
        find_nginx(args.nginx)
    except ServeError as e:
        print(e, file=sys.stderr)
        return 2
    if not args.no_prime and subprocess.run([sys.executable, "-m", "lab", "warm"], cwd=ROOT).returncode:
        return 1

    def stop(signum, frame):  # SIGTERM (systemd, kill) as Ctrl-C: the with below stops everything
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    base = "/" + args.base_url_path.strip("/") if args.base_url_path.strip("/") else ""
    try:
        with serving(
            args.processes,
            args.port,
            args.first_backend_port,
            args.prefix,
            address=args.address,
            base_url_path=args.base_url_path,
            nginx=args.nginx,
            primed=cache_primed(),
        ) as running:
            print(f"Share this address with the class: {share_url(args.port, base)}", flush=True)
            print(f"(on this machine: http://localhost:{args.port}{base}; logs in {running.prefix}/)", flush=True)
            print("Ctrl-C stops the class.", flush=True)
            while (problem := running.dead()) is None:
                time.sleep(1)
            print(problem, file=sys.stderr)
            return 1
    except ServeError as e:
        print(e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped", flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(main())
