"""A class behind nginx (deploy/serve.py): two Streamlit processes and the proxy started on free local ports, then
browsers' requests (a cookie jar each) and sessions (the protocol client, benchmarks/st_client.py, with the cookie its
browser holds) through it. Each response names the process that answered (X-LLL-Backend): first visits go to the
processes in turn, and a browser keeps to its process, its websocket included. Skipped without nginx (apt-get install
nginx); .ci/run installs it and sets LLL_REQUIRE_NGINX=1, so that in CI a missing nginx fails instead."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import http.client
import http.cookiejar
import os
import socket
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pytest
from browser import free_port

from benchmarks.st_client import Session
from deploy import serve
from links import learning_rate as lp

pytestmark = pytest.mark.xdist_group("proxy")  # one worker starts the processes and nginx once for the module

KEY = lp.lr_key(lp.default_scene("Sweep"))  # the Sweep's "learning rate to animate", as tests/test_class_sessions.py
PAGE = "/learning-rate"


def require_nginx() -> None:
    try:
        serve.find_nginx()
    except serve.ServeError as e:
        if os.environ.get("LLL_REQUIRE_NGINX"):
            pytest.fail(str(e))
        pytest.skip(str(e))


def free_ports() -> tuple[int, int]:
    """A free public port and the first of two consecutive free ones for the processes."""
    for _ in range(50):
        first = free_port()
        if serve.port_free(first + 1) and (public := free_port()) not in (first, first + 1):
            return public, first
    raise RuntimeError("no two consecutive free ports")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """The class: two processes (LLL_WARMUP=0, as every test server: tests/conftest.py) behind nginx, each having run
    the app once (serve.first_run)."""
    require_nginx()
    public, first = free_ports()
    prefix = tmp_path_factory.mktemp("serve")
    with serve.serving(2, public, first, prefix, address="127.0.0.1", primed=False, say=lambda _: None) as running:
        yield running


class Browser:
    """A browser's HTTP side: its own cookie jar. ``get`` returns (the process that answered, the response)."""

    def __init__(self, url: str):
        self.url, self.jar = url, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, **headers: str):
        with self.opener.open(urllib.request.Request(self.url + path, headers=headers), timeout=30) as r:
            r.body = r.read()
            return r.headers.get("X-LLL-Backend"), r

    @property
    def route(self) -> str | None:
        return next((c.value for c in self.jar if c.name == "lll_route"), None)


def process_number(running, backend: str) -> str:
    """The route a process's cookie names: its number, from 1, in the order of its port."""
    return str(sorted(running.backends).index(int(backend.rsplit(":", 1)[1])) + 1)


def test_first_visits_go_to_the_processes_in_turn_and_a_browser_keeps_to_its_own(proxy):
    first_visits = []
    for _ in range(8):  # eight browsers arriving from one address (a class behind NAT)
        b = Browser(proxy.url)
        backend, r = b.get("/")
        assert r.status == 200 and b"<html" in r.body.lower()
        cookie = next(c for c in r.headers.get_all("Set-Cookie") if c.startswith("lll_route="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie, cookie
        assert b.route == process_number(proxy, backend)
        first_visits.append(backend)
    assert Counter(first_visits) == {f"127.0.0.1:{p}": 4 for p in proxy.backends}, first_visits

    b = Browser(proxy.url)
    first, _ = b.get(PAGE)
    route = b.route
    later = [PAGE, "/", "/_stcore/health", "/_stcore/host-config", "/minima", "/manifest.json", PAGE + "?lr=0.01"] * 2
    for path in later:
        backend, r = b.get(path)
        routes = [c for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("lll_route=")]
        assert (backend, routes) == (first, []), path  # the same process, the cookie kept
    assert b.route == route

    with pytest.raises(urllib.error.HTTPError) as e:  # serve.py's first run of each process is not for anyone
        b.get("/_stcore/script-health-check")
    assert e.value.code == 404

    for stale in ("7", "0", "abc"):  # a cookie naming no process counts as none: a new one, naming the answerer
        backend, r = Browser(proxy.url).get("/_stcore/health", Cookie=f"lll_route={stale}")
        assert f"lll_route={process_number(proxy, backend)};" in " ".join(r.headers.get_all("Set-Cookie"))


def shown(s: Session) -> tuple[float | None, list[str]]:
    """The learning rate the session's link names, and the slider's value as the session holds it."""
    lr = parse_qs(s.query_string).get("lr")
    return (float(lr[-1]) if lr else None), list(s.value(KEY).string_array_value.data)


async def sessions(url: str, browsers: list[tuple[str, str]]) -> list[Session]:
    """A session for each (route cookie, the process its page came from): opened at once, then each moves the
    slider to a value of its own, at once."""
    opened = [Session(url, PAGE, headers={"Cookie": f"lll_route={route}"}) for route, _ in browsers]
    try:
        await asyncio.gather(*(s.open() for s in opened))
        for s, (_, backend) in zip(opened, browsers, strict=True):
            assert s.response_headers["X-LLL-Backend"] == backend  # the websocket went where its page came from
            assert not s.errors, s.errors
        default = opened[0].value(KEY).string_array_value.data[0]
        options = [o for o in opened[0].widget(KEY).options if o != default]  # the default is not in the link
        mine = [options[(i * 7 + 2) % len(options)] for i in range(len(opened))]
        await asyncio.gather(*(s.set_value(KEY, v) for s, v in zip(opened, mine, strict=True)))
        for s, v in zip(opened, mine, strict=True):
            assert not s.errors, s.errors
            assert shown(s) == (pytest.approx(float(v.replace("−", "-"))), [v]), (v, s.query_string)
            assert s.unasked == 0 and s.runs[-1] == 3  # its own fragment's run, nothing of another's
        return opened
    finally:
        await asyncio.gather(*(s.close() for s in opened))


def test_six_sessions_through_the_proxy_each_on_its_browsers_process(proxy):
    chosen = []  # (the browser's route cookie, the process its page came from)
    for _ in range(6):
        b = Browser(proxy.url)
        backend, _ = b.get(PAGE)  # the class link's first request: the page, and the cookie
        chosen.append((b.route, backend))
    assert Counter(backend for _, backend in chosen) == {f"127.0.0.1:{p}": 3 for p in proxy.backends}
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API (another module's browser) may hold this thread's loop
        pool.submit(asyncio.run, sessions(proxy.url, chosen)).result()

    # plotly.js, which the pages load from the app's static files, comes from nginx (no process named), compressed
    name = next((serve.ROOT / "static" / "vendor").glob("plotly-*.min.js")).name
    backend, r = Browser(proxy.url).get(f"/app/static/vendor/{name}", **{"Accept-Encoding": "gzip"})
    assert backend is None and r.headers["Content-Encoding"] == "gzip"
    assert b"plotly" in gzip.decompress(r.body)[:2000].lower()


def handshake(port: int, host: str, origin: str) -> int:
    """The HTTP status of a websocket handshake to the proxy with this Host and Origin (101: accepted)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", "/_stcore/stream", skip_host=True, skip_accept_encoding=True)
        for k, v in {
            "Host": host,
            "Origin": origin,
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Protocol": "streamlit",
        }.items():
            conn.putheader(k, v)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        with contextlib.suppress(OSError, AttributeError):
            conn.sock.shutdown(socket.SHUT_RDWR)
        conn.close()


def test_a_websocket_from_the_machines_name_and_port_is_let_in(proxy):
    """Students type the machine's name and the public port: Streamlit accepts a websocket whose Origin is its Host,
    so the proxy must pass the Host as the browser sent it, port included ($http_host, not $host)."""
    port = int(proxy.url.rsplit(":", 1)[1])
    assert handshake(port, f"lab.example:{port}", f"http://lab.example:{port}") == 101


def test_a_browser_whose_process_stopped_is_served_by_another(tmp_path):
    require_nginx()
    public, first = free_ports()
    quiet = {"primed": False, "run_first": False, "say": lambda _: None}  # no page is asked for: no first runs
    with serve.serving(2, public, first, tmp_path, address="127.0.0.1", **quiet) as running:
        b = Browser(running.url)
        backend, _ = b.get("/_stcore/health")
        serve._stop(running.backends[int(backend.rsplit(":", 1)[1])])
        backend_now, r = b.get("/_stcore/health")  # nginx tried the cookie's process, then its backup
        assert r.body == b"ok" and backend_now.split(", ")[-1] != backend, backend_now


def test_serve_says_how_to_install_nginx_when_it_is_missing(capsys, tmp_path):
    assert serve.main(["--nginx", str(tmp_path / "nginx"), "--no-prime"]) == 2
    assert "install it with: sudo apt-get install nginx" in capsys.readouterr().err


def test_the_config_pins_each_process_and_keeps_nginx_files_under_the_prefix(tmp_path):
    text = serve.render_config([8601, 8602, 8603], "8501", tmp_path, base_url_path="/lab/")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert not any(line.startswith(("ip_hash", "hash")) for line in lines)  # never by the client's address
    upstreams, name = {}, None
    for line in lines:
        if line.startswith("upstream "):
            name = line.split()[1]
            upstreams[name] = []
        elif line.startswith("server 127.") and name:
            upstreams[name].append(line)
        elif line == "}":
            name = None
    assert upstreams == {
        "lll_any": ["server 127.0.0.1:8601;", "server 127.0.0.1:8602;", "server 127.0.0.1:8603;"],
        "lll_1": ["server 127.0.0.1:8601;", "server 127.0.0.1:8602 backup;", "server 127.0.0.1:8603 backup;"],
        "lll_2": ["server 127.0.0.1:8602;", "server 127.0.0.1:8601 backup;", "server 127.0.0.1:8603 backup;"],
        "lll_3": ["server 127.0.0.1:8603;", "server 127.0.0.1:8601 backup;", "server 127.0.0.1:8602 backup;"],
    }
    assert {"1 lll_1;", "2 lll_2;", "3 lll_3;", '"~127\\.0\\.0\\.1:8603$" 3;'} <= set(lines)
    assert "location = /lab/_stcore/stream {" in lines and "location ^~ /lab/app/static/ {" in lines
    for directive in ("pid", "error_log", "client_body_temp_path", "proxy_temp_path", "access_log"):
        line = next(li for li in lines if li.startswith(directive + " "))
        assert str(tmp_path.resolve()) in line, line
