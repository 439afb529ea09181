"""A Streamlit client without a browser: one session of the app over its websocket (``/_stcore/stream``), speaking the
protobufs of the installed Streamlit (BackMsg up, ForwardMsg down), so that a benchmark or a test can hold many
sessions at once in one process (benchmarks/class_load.py, tests/test_class_sessions.py).

It sends what Chromium sends, as captured from real sessions of this app with Playwright (Streamlit 1.67):

- on connecting, a ``rerun_script`` with the page's name (its URL path, "" for the first page), the address's query
  string, no widget states and the browser's context (time zone, locale, address, colour scheme);
- on a widget change, a ``rerun_script`` with the page's script hash, the query string as the app last wrote it, the
  state of every widget the page shows (not only the changed one: the browser sends all it holds), the hashes of the
  messages it keeps cached and, when a fragment drew the widget (each page of this app is one: views/page_run.py), that
  fragment's id: the fragment reruns alone, not the whole app.

To do that it keeps what a browser keeps: the widgets the runs drew (by key: Streamlit's element ids end in it,
``$$ID-<hash>-<key>``) and the value a browser holds for each (the element's value when the server sets one, else the
browser's own, else the element's default), the query string, and the message cache (a large delta is sent once;
while the client lists its hash, the server sends a reference, ``ref_hash``, instead). A run is over at its
``script_finished``. It counts as errors what a person would see as one: an exception element, an error box, a script
that does not compile, a page not found, a reference to a message it does not hold.

A button is pressed with ``click`` (its trigger goes with that run alone); the fragments a browser reruns on a timer
(``run_every``) are in ``auto_reruns``, for the caller to rerun. Not done: fetching the page's HTML, scripts and
styles, components' JavaScript (a chart's drawing, views/screen.py's size report: ``set_value`` can send it), the
widgets of a closed popover (nor does a browser), heartbeats, reconnecting.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

FINISHED = ForwardMsg.ScriptFinishedStatus
DONE = {
    FINISHED.FINISHED_SUCCESSFULLY,
    FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    FINISHED.FINISHED_WITH_COMPILE_ERROR,
}
# the widgets whose values a browser holds and sends back (a button's trigger and a component's state: only when set)
HELD = {"slider", "selectbox", "button_group", "checkbox", "multiselect", "number_input"}


class RunTimeout(TimeoutError):
    """A run did not finish within the session's timeout."""


@dataclass
class Widget:
    """A widget as the last run that drew it sent it."""

    id: str  # Streamlit's element id: "$$ID-<hash>-<key>"
    kind: str  # the element's type in the ForwardMsg: "slider", "selectbox", "bidi_component", …
    element: Any  # its protobuf (a Slider, a Selectbox, …)
    fragment_id: str  # the fragment that drew it, "" for the app's own run
    path: tuple[int, ...]  # where it is drawn (the delta's path)

    @property
    def key(self) -> str:
        return widget_key(self.id)

    @property
    def options(self) -> list[str]:
        """What it offers, as the browser shows them (a select slider's, a select box's formatted options)."""
        opts = getattr(self.element, "options", [])
        return [getattr(o, "content", o) for o in opts]

    @property
    def select_slider(self) -> bool:
        return self.kind == "slider" and self.element.type == Slider.Type.SELECT_SLIDER


def widget_key(element_id: str) -> str:
    """The user key in a widget's element id ("" for a widget without one)."""
    parts = element_id.split("-", 2)
    return parts[2] if element_id.startswith("$$ID-") and len(parts) == 3 else ""


def held_value(w: Widget, known: WidgetState | None) -> WidgetState | None:
    """The state a browser holds for the widget after this delta: the value the server set, else the one it held,
    else the element's default. None for a widget whose value a browser does not send."""
    el, s = w.element, WidgetState(id=w.id)
    if w.kind not in HELD or (known is not None and not el.set_value):
        return known
    if w.kind == "slider" and w.select_slider:
        s.string_array_value.data[:] = el.raw_value if el.set_value else [el.options[int(i)] for i in el.default]
    elif w.kind == "slider":
        s.double_array_value.data[:] = el.value if el.set_value else el.default
    elif w.kind == "selectbox":
        if el.set_value and el.HasField("raw_value"):
            s.string_value = el.raw_value
        elif 0 <= el.default < len(el.options):
            s.string_value = el.options[el.default]
        else:
            return None  # nothing chosen: a browser sends nothing either
    elif w.kind in ("button_group", "multiselect"):
        opts = w.options
        s.string_array_value.data[:] = el.raw_values if el.set_value else [opts[i] for i in el.default]
    elif w.kind == "checkbox":
        s.bool_value = el.value if el.set_value else el.default
    elif w.kind == "number_input":
        s.double_value = el.value if el.set_value else el.default
    return s


class Session:
    """One browser tab of the app: ``await open()``, then ``await set_value(key, value)`` for each move, ``close()``.

    ``url`` is the server's address ("http://127.0.0.1:8501"), ``path`` the page's ("/learning-rate"), ``query`` the
    link's query string without its "?". Each run waits at most ``timeout`` seconds (RunTimeout). Times are seconds
    from sending the request to the run's ``script_finished``. ``headers`` go with the websocket's handshake (a
    browser's cookies, behind a proxy that routes by one: deploy/); ``response_headers`` are the handshake's answer."""

    def __init__(
        self, url: str, path: str = "/", query: str = "", *, timeout: float = 120.0, headers: dict | None = None
    ):
        parts = urlsplit(url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}/_stcore/stream"
        self.path, self.query_string, self.timeout = "/" + path.lstrip("/"), query, timeout
        self.headers, self.response_headers = dict(headers or {}), None
        self.page_script_hash = ""
        self.widgets: dict[str, Widget] = {}  # by element id: the widgets of the page as last drawn
        self.states: dict[str, WidgetState] = {}  # by element id: the values this browser would send
        self.errors: list[str] = []  # what a person would have seen as an error
        self.received = 0  # bytes of ForwardMsgs
        self.kinds: list[str] = []  # each ForwardMsg's kind, in order (a reference counts as the delta it names)
        self.unasked = 0  # deltas or finished runs that came while no run of this session was awaited
        self.runs: list[int] = []  # each finished run's status
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._finished: asyncio.Future[int] | None = None
        self._fragment = ""  # the fragment the awaited run reruns ("" for a whole run)
        self._drawn: set[str] = set()  # element ids drawn by the current run
        self._popovers: set[tuple[int, ...]] = set()  # paths of popovers (closed: their widgets are not mounted)
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, the run count it was last used)
        self._run_count = 0
        self.lock = asyncio.Lock()  # one run at a time
        self.auto_reruns: dict[str, float] = {}  # fragment id -> seconds: the fragments a browser reruns on a timer
        self._texts: dict[tuple[int, ...], tuple[str, str]] = {}  # by delta path: (fragment id, markdown or alert text)
        self._max_age = 2  # runs a cached message is kept unused (the server's config says, in new_session)

    # -- what a caller uses ------------------------------------------------------------------------------------------
    async def open(self) -> float:
        """Connect and run the page as a browser's first visit does; seconds from connecting to the run's end."""
        t = time.perf_counter()
        self._ws = await connect(
            self.ws_url,
            subprotocols=["streamlit"],
            origin=self.origin,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,  # a browser sends no pings
            proxy=None,
            additional_headers=self.headers,
        )
        self.response_headers = self._ws.response.headers
        self._reader = asyncio.create_task(self._read())
        msg = BackMsg()
        msg.rerun_script.widget_states.SetInParent()
        msg.rerun_script.query_string = self.query_string
        msg.rerun_script.page_name = self.path.strip("/")
        msg.rerun_script.context_info.CopyFrom(self._context())
        await self._run(msg, "")
        return time.perf_counter() - t

    def widget(self, key: str) -> Widget:
        """The widget with this user key, as last drawn (KeyError if the page does not show it)."""
        for w in self.widgets.values():
            if w.key == key:
                return w
        raise KeyError(f"no widget {key!r} on {self.path}; keys: {sorted(w.key for w in self.widgets.values())}")

    def value(self, key: str) -> WidgetState | None:
        """What this browser holds for the widget with this key."""
        return self.states.get(self.widget(key).id)

    async def set_value(self, key: str, value: Any, *, fragment: bool = True) -> float:
        """Change a widget as a person does, and wait for the run it starts: a select slider or a select box takes an
        option as shown, a slider a number, a multiselect or a segmented control a list of options, a component any
        JSON. The rerun is the fragment's that drew the widget, as a browser sends it (``fragment=False``: the whole
        app's). Seconds from sending to the run's end."""
        w = self.widget(key)
        s = WidgetState(id=w.id)
        if w.kind == "slider" and w.select_slider:
            s.string_array_value.data[:] = value if isinstance(value, list | tuple) else [value]
        elif w.kind == "slider":
            s.double_array_value.data[:] = value if isinstance(value, list | tuple) else [value]
        elif w.kind == "selectbox":
            s.string_value = value
        elif w.kind in ("button_group", "multiselect"):
            s.string_array_value.data[:] = value
        elif w.kind == "checkbox":
            s.bool_value = value
        elif w.kind == "number_input":
            s.double_value = value
        elif w.kind == "bidi_component":
            s.json_value = json.dumps(value, separators=(",", ":"))
        else:
            raise ValueError(f"cannot set a {w.kind} ({key})")
        self.states[w.id] = s
        return await self.rerun(w.fragment_id if fragment else "")

    async def click(self, key: str, *, fragment: bool = True) -> float:
        """Press the button with this key, as a browser does: its trigger goes with this rerun alone (the fragment's
        that drew it). Seconds from sending to the run's end."""
        w = self.widget(key)
        fragment_id = w.fragment_id if fragment else ""
        async with self.lock:  # no timed rerun may carry the trigger in between
            self.states[w.id] = WidgetState(id=w.id, trigger_value=True)
            t = time.perf_counter()
            try:
                await self._run_now(self._rerun_message(fragment_id), fragment_id)
            finally:
                self.states.pop(w.id, None)
        return time.perf_counter() - t

    def texts(self, fragment_id: str | None = None) -> list[str]:
        """The markdown and alert elements' text (one fragment's, if named)."""
        return [t for f, t in self._texts.values() if fragment_id is None or f == fragment_id]

    async def rerun(self, fragment_id: str = "") -> float:
        """A rerun with the widget states this browser holds (of the fragment, if one is named); seconds to its end."""
        t = time.perf_counter()
        await self._run(self._rerun_message(fragment_id), fragment_id)
        return time.perf_counter() - t

    def _rerun_message(self, fragment_id: str) -> BackMsg:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query_string
        rs.widget_states.widgets.extend(self.states.values())
        rs.page_script_hash = self.page_script_hash
        if fragment_id:
            rs.fragment_id = fragment_id
        rs.cached_message_hashes.extend(self._cache)
        rs.context_info.CopyFrom(self._context())
        return msg

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):  # noqa: BLE001  (closing: whatever it ended with)
                pass

    # -- the protocol ----------------------------------------------------------------------------------------------
    def _context(self) -> ContextInfo:
        """The browser's context, as headless Chromium reports it."""
        return ContextInfo(
            timezone="UTC",
            timezone_offset=0,
            locale="en-US",
            url=self.origin + self.path + (f"?{self.query_string}" if self.query_string else ""),
            is_embedded=False,
            color_scheme="light",
        )

    async def _run(self, msg: BackMsg, fragment_id: str) -> None:
        async with self.lock:  # one run at a time, as a browser: a timed fragment's rerun waits for a click's
            await self._run_now(msg, fragment_id)

    async def _run_now(self, msg: BackMsg, fragment_id: str) -> None:  # send a rerun request, wait for its end
        assert self._ws is not None, "open() first"
        if self._reader is not None and self._reader.done():
            raise ConnectionError(f"{self.path}: the connection is closed")
        self._finished = asyncio.get_running_loop().create_future()
        self._fragment, self._drawn = fragment_id, set()
        await self._ws.send(msg.SerializeToString())
        try:
            status = await asyncio.wait_for(asyncio.shield(self._finished), self.timeout)
        except TimeoutError:
            raise RunTimeout(f"{self.path}: no end of the run in {self.timeout:.0f} s") from None
        finally:
            self._finished = None
        if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
            self.errors.append("the script did not compile")

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for raw in self._ws:
                if isinstance(raw, str):
                    continue
                self.received += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except ConnectionClosed as e:
            self._lost(e)
        except Exception as e:  # noqa: BLE001  (a message it could not read: the run waiting for it fails)
            self._lost(e)
            raise
        else:
            self._lost(ConnectionError("the server closed the connection"))

    def _lost(self, e: BaseException) -> None:
        if self._finished is not None and not self._finished.done():
            self._finished.set_exception(ConnectionError(f"{self.path}: connection lost: {e!r}"))

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                self.errors.append(f"a reference to a message not cached ({msg.ref_hash})")
                return
            full = ForwardMsg()
            full.CopyFrom(cached[0])
            full.metadata.CopyFrom(msg.metadata)  # where it goes this time
            self._cache[msg.ref_hash] = (cached[0], self._run_count)
            msg, kind = full, "delta"
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = (msg, self._run_count)
        self.kinds.append(kind)
        waiting = self._finished is not None and not self._finished.done()
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash  # the main script's until st.navigation says
            self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
        elif kind == "delta":
            self.unasked += not waiting
            self._delta(msg)
        elif kind == "navigation":  # the page that runs (the app's pages are st.navigation's)
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":  # a fragment with run_every: a browser reruns it on a timer
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "page_not_found":
            self.errors.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self.errors.append("script compilation error: " + msg.session_event.script_compilation_exception.message)
        elif kind == "script_finished":
            self.unasked += not waiting
            self._script_finished(msg.script_finished)

    def _delta(self, msg: ForwardMsg) -> None:
        delta, path = msg.delta, tuple(msg.metadata.delta_path)
        kind = delta.WhichOneof("type")
        if kind == "add_block":
            if delta.add_block.WhichOneof("type") == "popover":
                self._popovers.add(path)
            else:
                self._popovers.discard(path)
            return
        if kind != "new_element":
            return
        element = delta.new_element
        etype = element.WhichOneof("type")
        if etype == "exception":
            ex = element.exception
            self.errors.append(f"exception: {ex.type}: {ex.message}")
        elif etype == "alert" and element.alert.format == Alert.Format.ERROR:
            self.errors.append(f"error box: {element.alert.body[:200]}")
        el = getattr(element, etype) if etype else None
        if etype in ("markdown", "alert"):
            self._texts[path] = (delta.fragment_id, el.body)
        element_id = getattr(el, "id", "")
        if not element_id.startswith("$$ID-"):
            return
        w = Widget(element_id, etype, el, delta.fragment_id, path)
        self.widgets[element_id] = w
        self._drawn.add(element_id)
        if any(path[:n] in self._popovers for n in range(1, len(path))):
            self.states.pop(element_id, None)  # a closed popover's widgets are not mounted: nothing held
        elif (s := held_value(w, self.states.get(element_id))) is not None:
            self.states[element_id] = s

    def _script_finished(self, status: int) -> None:
        if status not in DONE:
            return
        if status != FINISHED.FINISHED_WITH_COMPILE_ERROR:
            # what the run did not draw is gone (a fragment's run: only what that fragment drew before)
            gone = [
                i
                for i, w in self.widgets.items()
                if i not in self._drawn and (not self._fragment or w.fragment_id == self._fragment)
            ]
            for i in gone:
                del self.widgets[i]
                self.states.pop(i, None)
            self._run_count += 1  # a cached message unused for more than max_age runs is let go, as a browser does
            self._cache = {h: e for h, e in self._cache.items() if self._run_count - e[1] <= self._max_age}
        self.runs.append(status)
        if self._finished is not None and not self._finished.done():
            self._finished.set_result(status)
