"""A fake OpenAI-compatible server on loopback, so the real openai client + instructor run offline.

Serves `POST /v1/chat/completions` and `GET /v1/models`. Each chat request takes the next scripted action
from a queue; when the queue is empty it asks `responder(request_json)` (a payload dict, or an action);
with neither it answers 400 "script exhausted", which the client does not retry, so a test that asks more
often than it scripted fails fast instead of hanging.

A payload dict is returned the way the request's instructor mode expects it: as a tool call (named after the
request's first tool) when the request carries `tools`, else as message content JSON (inside a ```json fence
when the prompt asks for one, as `md_json` does). Every reply carries `usage`.

    with FakeOpenAI() as fake:                      # or the `fake_openai` pytest fixture
        fake.error(429, headers={"Retry-After": "2"}).ok({"name": "x"})
        ...  # point openai.OpenAI(base_url=fake.url) at it
        assert fake.count == 2 and fake.requests[1].json["model"] == "m"

Bounded by construction: delays wake on shutdown and are capped, handler threads are daemons, the server
binds 127.0.0.1 only.
"""

from __future__ import annotations

import collections
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

MAX_DELAY = 30.0


@dataclass
class Action:
    """One scripted reply. Build with `ok`, `error`, `delay`, `malformed`, `raw`."""

    status: int = 200
    payload: Any = None  # an answer object, encoded per mode
    text: str | None = None  # goes where the JSON would go (tool arguments or content), verbatim
    content: str | None = None  # always message content, never a tool call
    body: Any = None  # error body
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0  # wait before answering
    then: "Action | None" = None  # after a delay: the reply (None = the responder's)
    usage: tuple[int, int] | None = None
    finish_reason: str | None = None


def ok(payload: dict, *, usage: tuple[int, int] | None = None, finish_reason: str | None = None) -> Action:
    return Action(payload=payload, usage=usage, finish_reason=finish_reason)


def error(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Action:
    body = body if body is not None else {"error": {"message": f"fake error {status}", "type": "fake_error"}}
    return Action(status=status, body=body, headers=dict(headers or {}))


def delay(seconds: float, then: Action | dict | None = None) -> Action:
    """Sleep, then answer with `then` (an action or a payload), or the responder's answer."""
    follow = ok(then) if isinstance(then, dict) else then
    return Action(seconds=min(seconds, MAX_DELAY), then=follow)


def malformed(text: str = '{"oops": ') -> Action:
    return Action(text=text)


def raw(content: str) -> Action:
    return Action(content=content)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    json: Any


class FakeOpenAI:
    def __init__(self, responder: Callable[[dict], Any] | None = None, *, usage: tuple[int, int] = (10, 5),
                 model: str = "fake-model"):
        self.responder = responder
        self.usage = usage
        self.model = model
        self.requests: list[Recorded] = []  # chat requests (POST), in order
        self.listings: list[Recorded] = []  # GET /models: the client's pre-flight check, kept apart from the calls
        self.models_status = 200  # answer GET /models with this status (401 to reject the key, …)
        self._queue: collections.deque[Action] = collections.deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ---------------------------------------------------------------------------------------

    def enqueue(self, *actions: Action | dict) -> "FakeOpenAI":
        with self._lock:
            self._queue.extend(ok(a) if isinstance(a, dict) else a for a in actions)
        return self

    def ok(self, payload: dict, **kw) -> "FakeOpenAI":
        return self.enqueue(ok(payload, **kw))

    def error(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> "FakeOpenAI":
        return self.enqueue(error(status, body, headers))

    def delay(self, seconds: float, then: Action | dict | None = None) -> "FakeOpenAI":
        return self.enqueue(delay(seconds, then))

    def malformed(self, text: str = '{"oops": ') -> "FakeOpenAI":
        return self.enqueue(malformed(text))

    def raw(self, content: str) -> "FakeOpenAI":
        return self.enqueue(raw(content))

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    # -- lifecycle ---------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FakeOpenAI":
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes any handler sleeping in a delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- serving (called on handler threads) -------------------------------------------------------------

    def _next(self, request: dict) -> Action:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            answer = self.responder(request)
            return answer if isinstance(answer, Action) else ok(answer)
        return error(400, {"error": {"message": "fake server: script exhausted", "type": "fake_error"}})

    def _answer(self, request: dict) -> tuple[int, dict[str, str], Any]:
        action = self._next(request)
        if action.seconds:
            self._stopping.wait(action.seconds)
            action = action.then or self._next(request)
        if action.status != 200:
            return action.status, action.headers, action.body
        return 200, action.headers, chat_completion(request, action, usage=self.usage, seq=self.count)

    def _record(self, method: str, path: str, headers: dict[str, str], body: Any) -> None:
        with self._lock:
            self.requests.append(Recorded(method, path, headers, body))


def chat_completion(request: dict, action: Action, *, usage: tuple[int, int] = (10, 5), seq: int = 0) -> dict:
    """The `chat.completion` body answering `request` with a successful `action` (usable without a server,
    e.g. from an `httpx2.MockTransport` handler)."""
    tools = request.get("tools") or []
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if action.content is not None:
        message["content"] = action.content
    else:
        text = action.text if action.text is not None else json.dumps(action.payload, ensure_ascii=False)
        if tools:
            name = tools[0].get("function", {}).get("name", "answer")
            message["tool_calls"] = [
                {"id": f"call_{seq}", "type": "function", "function": {"name": name, "arguments": text}}
            ]
        elif _wants_fence(request):
            message["content"] = f"Here it is:\n```json\n{text}\n```"
        else:
            message["content"] = text
    prompt, completion = action.usage or usage
    finish = action.finish_reason or ("tool_calls" if message.get("tool_calls") else "stop")
    return {
        "id": f"chatcmpl-fake-{seq}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model") or "fake-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }


def _wants_fence(request: dict) -> bool:
    return any("```json" in str(m.get("content", "")) for m in request.get("messages", []) if isinstance(m, dict))


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeOpenAI/1"

    @property
    def fake(self) -> FakeOpenAI:
        return self.server.fake  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802
        with self.fake._lock:
            self.fake.listings.append(Recorded("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, None))
        if self.fake.models_status != 200:
            self._send(self.fake.models_status, {}, {"error": {"message": f"fake {self.fake.models_status}", "type": "fake_error"}})
        elif self.path.rstrip("/").endswith("/models"):
            self._send(200, {}, {"object": "list", "data": [
                {"id": self.fake.model, "object": "model", "created": 0, "owned_by": "fake"}]})
        else:
            self._send(404, {}, {"error": {"message": f"no route {self.path}", "type": "fake_error"}})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw_body or b"null")
        except ValueError:
            body = None
        self.fake._record("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {}, {"error": {"message": f"no route {self.path}", "type": "fake_error"}})
            return
        if not isinstance(body, dict):
            self._send(400, {}, {"error": {"message": "body is not a JSON object", "type": "fake_error"}})
            return
        status, headers, payload = self.fake._answer(body)
        self._send(status, headers, payload)

    def _send(self, status: int, headers: dict[str, str], payload: Any) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to do

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — keep test output quiet
        pass
