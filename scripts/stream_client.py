"""A Streamlit session without a browser: the app's own websocket protocol.

The browser talks to `streamlit run` over one websocket, /_stcore/stream, with
the subprotocol "streamlit" (its second entry would carry an XSRF token, which
only matters for auth cookies). The browser sends BackMsg protobufs; the one
that matters here is `rerun_script`, a ClientState with the page's query string,
the widgets' values and the page's script hash. The server answers with
ForwardMsg protobufs: deltas (one per element, widgets carrying their ids) and
finally `script_finished`.

Under st.navigation the page hash is the one the server's `navigation` message
named (the page that ran; `new_session` names app.py's, the main script's).
Chromium sends it with every rerun after the first. A rerun without it asks for
the default page, which Streamlit treats as a page switch when another page's
hash ran last: it drops every widget value the rerun does not carry.

A widget's id ends with "-<key>" for keyed widgets, so a value is sent as
WidgetState(id=..., double_value / string_value / bool_value). Widgets not sent
keep their previous values on a rerun of the same page, as they do when the
browser sends them all (Chromium sends every widget of the page).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from dataclasses import dataclass, field

import numpy as np
import websockets
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# The element types whose value travels as a string (the formatted option).
STRING_WIDGETS = {"selectbox", "radio"}


@dataclass
class Page:
    """What one script run sent: widgets and charts by key, alerts, the status."""

    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)  # key -> Plotly JSON
    components: dict[str, str] = field(default_factory=dict)  # key -> data JSON
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus
    query: str | None = None  # the URL's query string, if the app wrote one
    seconds: float = 0.0  # from the BackMsg sent to script_finished received

    @property
    def ok(self) -> bool:
        return not self.exceptions and self.status in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_EARLY_FOR_RERUN,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        )

    def live_path(self) -> tuple[str, np.ndarray]:
        """The contour's live path: its trace name and (m+1, 2) weights."""
        traces = json.loads(self.charts["contour"])["data"]
        trace = next(t for t in traces if str(t.get("name", "")).endswith("(live)"))
        xy = np.stack([decode(trace["x"]), decode(trace["y"])], axis=-1)
        return trace["name"], xy


def decode(value) -> np.ndarray:
    """A Plotly array: a typed array {"dtype", "bdata"} or a plain list."""
    if isinstance(value, dict) and "bdata" in value:
        dtype = np.dtype(value["dtype"]).newbyteorder("<")
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=dtype).copy()
    return np.asarray(value, dtype=np.float64)


def _key(element_id: str) -> str:
    # "$$ID-<hash>-<key>"; unkeyed widgets end in "-None".
    return element_id.rsplit("-", 1)[-1]


class StreamSession:
    """One browser-less session; use `async with StreamSession(url) as s`."""

    def __init__(self, url: str, query: str = "", timeout: float = 300.0,
                 cookie: str = "", page_hash: str = ""):  # fmt: skip
        self.ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.query, self.timeout, self.cookie = query, timeout, cookie
        self.page_hash = page_hash  # the page the server last ran, as the browser
        self.ids: dict[str, tuple[str, str]] = {}  # key -> (element type, id)
        self.fragments: dict[str, str] = {}  # key -> the fragment it is in, if any
        self.ws = None

    async def __aenter__(self) -> StreamSession:
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,  # a busy server may answer pings late
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
        )
        # A balancer's affinity cookie, as a browser would keep it.
        self.cookie = self.ws.response.headers.get("Set-Cookie", self.cookie)
        self.cookie = self.cookie.split(";")[0]
        return self

    @property
    def replica(self) -> str:
        """The replica the balancer's cookie names ("" without a balancer)."""
        return self.cookie.partition("=")[2]

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def rerun(self, values: dict[str, object] | None = None) -> Page:
        """Send a rerun with the query string and these widget values by key."""
        msg = self._rerun_message()
        for key, value in (values or {}).items():
            kind, element_id = self.ids[key]
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = element_id
            if kind in STRING_WIDGETS:
                state.string_value = str(value)
            elif isinstance(value, bool):
                state.bool_value = value
            else:
                state.double_value = float(value)
        return await self._send(msg)

    async def trigger(self, key: str, event: str, value) -> Page:
        """Send a component's trigger value, as its JavaScript does; a
        component inside a fragment reruns only that fragment, as in the
        browser (which names the fragment)."""
        msg = self._rerun_message()
        kind, element_id = self.ids[key]
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = _make_trigger_id(element_id, "events")
        state.json_trigger_value = json.dumps([{"event": event, "value": value}])
        if self.fragments.get(key):
            msg.rerun_script.fragment_id = self.fragments[key]
        return await self._send(msg)

    def _rerun_message(self) -> BackMsg:
        """A rerun of this page, with the query its address bar holds."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = self.page_hash
        return msg

    async def _send(self, msg: BackMsg) -> Page:
        """Send msg; what the run sent, timed from the send to its end."""
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        page = await self._read_until_finished()
        page.seconds = time.perf_counter() - started
        return page

    async def _read_until_finished(self) -> Page:
        page = Page()
        async with asyncio.timeout(self.timeout):
            while page.status is None:
                fm = ForwardMsg()
                fm.ParseFromString(await self.ws.recv())
                kind = fm.WhichOneof("type")
                if kind == "script_finished":
                    page.status = fm.script_finished
                elif kind == "navigation":
                    self.page_hash = fm.navigation.page_script_hash
                elif kind == "page_info_changed":
                    page.query = fm.page_info_changed.query_string
                    self.query = page.query  # as the browser's address bar
                elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    self._element(fm.delta.new_element, page, fm.delta.fragment_id)
                elif kind == "session_event" and fm.session_event.HasField(
                    "script_compilation_exception"
                ):
                    page.exceptions.append("script compilation error")
        return page

    def _element(self, element, page: Page, fragment: str = "") -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        if kind == "exception":
            page.exceptions.append(f"{body.type}: {body.message}")
        elif kind == "alert":
            if body.format == Alert.ERROR:
                page.errors.append(body.body)
            elif body.format == Alert.WARNING:
                page.warnings.append(body.body)
        elif kind == "plotly_chart":
            page.charts[_key(body.id)] = body.spec
        elif getattr(body, "id", "").startswith("$$ID-"):
            key = _key(body.id)
            self.ids[key] = (kind, body.id)
            self.fragments[key] = fragment
            page.widgets[key] = (kind, body.id)
            if kind == "bidi_component":
                page.components[key] = body.json
