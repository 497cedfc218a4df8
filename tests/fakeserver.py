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

It also fakes the Files and Batches endpoints of the OpenAI Batch API (`POST /v1/files` multipart upload,
`GET /v1/files/{id}/content`, `POST /v1/batches`, `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`).
A batch turns `completed` after `batch_polls` retrieves; each input line is then answered by the same
scripted responder a direct call would get (no queue), except the lines `batch_fail(custom_id)` picks, which
go to the error file with that error code (e.g. "batch_expired"). `batch_status` forces the final status
(`expired`, `failed`, `cancelled`). `chat_count` counts direct chat calls only; `batches` the ones created.

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
        # Batch API state
        self.files: dict[str, dict] = {}  # id -> {"filename", "purpose", "data": bytes}
        self.batches: dict[str, dict] = {}  # id -> the Batch object (plus private "_polls")
        self.batch_polls = 1  # retrieves before a batch completes (0: complete at creation)
        self.batch_fail: Callable[[str], str | None] = lambda custom_id: None  # -> error code or None
        self.batch_status = "completed"  # final status: completed | expired | failed | cancelled

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
    def chat_count(self) -> int:
        """Direct chat.completions requests (Batch API traffic not counted)."""
        with self._lock:
            return sum(1 for r in self.requests if r.method == "POST" and r.path.rstrip("/").endswith("/chat/completions"))

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


    # -- Batch API (called on handler threads) ------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{len(self.files) + len(self.batches) + 1:04d}"

    def _file_object(self, file_id: str) -> dict:
        f = self.files[file_id]
        return {"id": file_id, "object": "file", "bytes": len(f["data"]), "created_at": int(time.time()),
                "filename": f["filename"], "purpose": f["purpose"], "status": "processed"}

    def upload(self, filename: str, purpose: str, data: bytes) -> dict:
        with self._lock:
            file_id = self._new_id("file")
            self.files[file_id] = {"filename": filename, "purpose": purpose, "data": data}
            return self._file_object(file_id)

    def create_batch(self, body: dict) -> tuple[int, dict]:
        with self._lock:
            if body.get("input_file_id") not in self.files:
                return 400, {"error": {"message": "no such input file", "type": "invalid_request_error"}}
            if body.get("endpoint") != "/v1/chat/completions" or body.get("completion_window") != "24h":
                return 400, {"error": {"message": "unsupported endpoint or window", "type": "invalid_request_error"}}
            batch_id = self._new_id("batch")
            lines = [line for line in self.files[body["input_file_id"]]["data"].decode("utf-8").splitlines() if line.strip()]
            self.batches[batch_id] = {
                "id": batch_id, "object": "batch", "endpoint": body["endpoint"], "errors": None,
                "input_file_id": body["input_file_id"], "completion_window": "24h", "status": "validating",
                "output_file_id": None, "error_file_id": None, "created_at": int(time.time()),
                "metadata": body.get("metadata"),
                "request_counts": {"total": len(lines), "completed": 0, "failed": 0}, "_polls": 0,
            }
            if self.batch_polls <= 0:
                self._finish_batch(self.batches[batch_id])
            return 200, self._public(self.batches[batch_id])

    def retrieve_batch(self, batch_id: str) -> tuple[int, dict]:
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, {"error": {"message": f"no batch {batch_id}", "type": "invalid_request_error"}}
            if batch["status"] in ("validating", "in_progress"):
                batch["_polls"] += 1
                batch["status"] = "in_progress"
                if batch["_polls"] >= self.batch_polls:
                    self._finish_batch(batch)
            return 200, self._public(batch)

    def _finish_batch(self, batch: dict) -> None:
        """Answer every line (caller holds the lock; the responder must not call back into the server)."""
        if self.batch_status == "failed":
            batch.update(status="failed", errors={"object": "list", "data": [{"code": "invalid", "message": "fake failure"}]})
            return
        lines = self.files[batch["input_file_id"]]["data"].decode("utf-8").splitlines()
        out, err = [], []
        for n, line in enumerate(l for l in lines if l.strip()):
            request = json.loads(line)
            custom_id = request["custom_id"]
            code = self.batch_fail(custom_id) or (
                None if self.batch_status == "completed" else f"batch_{self.batch_status}")
            if code:
                err.append({"id": f"req-{n}", "custom_id": custom_id, "response": None,
                            "error": {"code": code, "message": f"fake {code}"}})
                continue
            answer = self.responder(request["body"]) if self.responder else None
            action = answer if isinstance(answer, Action) else ok(answer)
            if action.seconds and action.then is not None:  # a batch's latency is its turnaround, not per line
                action = action.then
            body = chat_completion(request["body"], action, usage=self.usage, seq=n)
            out.append({"id": f"req-{n}", "custom_id": custom_id, "error": None,
                        "response": {"status_code": 200, "request_id": f"r{n}", "body": body}})
        for name, rows in (("output_file_id", out), ("error_file_id", err)):
            if rows:
                file_id = self._new_id("file")
                data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
                self.files[file_id] = {"filename": f"{batch['id']}-{name}.jsonl", "purpose": "batch_output", "data": data}
                batch[name] = file_id
        batch["request_counts"].update(completed=len(out), failed=len(err))
        batch["status"] = "completed" if self.batch_status == "completed" else self.batch_status

    @staticmethod
    def _public(batch: dict) -> dict:
        return {k: v for k, v in batch.items() if not k.startswith("_")}


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
        path = self.path.split("?")[0].rstrip("/")
        parts = path.split("/")
        if path.endswith("/models"):  # the client's pre-flight check: kept apart from the recorded requests
            with self.fake._lock:
                self.fake.listings.append(Recorded("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, None))
        else:
            self.fake._record("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, None)
        if path.endswith("/models") and self.fake.models_status != 200:
            self._send(self.fake.models_status, {}, {"error": {"message": f"fake {self.fake.models_status}", "type": "fake_error"}})
        elif path.endswith("/models"):
            self._send(200, {}, {"object": "list", "data": [
                {"id": self.fake.model, "object": "model", "created": 0, "owned_by": "fake"}]})
        elif len(parts) >= 3 and parts[-3] == "files" and parts[-1] == "content" and parts[-2] in self.fake.files:
            self._send(200, {}, self.fake.files[parts[-2]]["data"], content_type="application/octet-stream")
        elif len(parts) >= 2 and parts[-2] == "batches":
            self._send(*_with_headers(self.fake.retrieve_batch(parts[-1])))
        else:
            self._send(404, {}, {"error": {"message": f"no route {self.path}", "type": "fake_error"}})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0].rstrip("/")
        if path.endswith("/files"):
            fields = _multipart(self.headers.get("Content-Type", ""), raw_body)
            self.fake._record("POST", self.path, {k.lower(): v for k, v in self.headers.items()},
                              {k: v[0] for k, v in fields.items() if k != "file"})
            filename, data = fields["file"][1:] if "file" in fields else ("", b"")
            self._send(200, {}, self.fake.upload(filename, fields.get("purpose", ("",))[0], data))
            return
        try:
            body = json.loads(raw_body or b"null")
        except ValueError:
            body = None
        self.fake._record("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        if path.endswith("/batches"):
            self._send(*_with_headers(self.fake.create_batch(body if isinstance(body, dict) else {})))
            return
        if path.endswith("/cancel") and "/batches/" in path:
            batch_id = path.split("/")[-2]
            with self.fake._lock:
                batch = self.fake.batches.get(batch_id)
                if batch is not None:
                    batch["status"] = "cancelled"
            self._send(*_with_headers(self.fake.retrieve_batch(batch_id)))
            return
        if not path.endswith("/chat/completions"):
            self._send(404, {}, {"error": {"message": f"no route {self.path}", "type": "fake_error"}})
            return
        if not isinstance(body, dict):
            self._send(400, {}, {"error": {"message": "body is not a JSON object", "type": "fake_error"}})
            return
        status, headers, payload = self.fake._answer(body)
        self._send(status, headers, payload)

    def _send(self, status: int, headers: dict[str, str], payload: Any, content_type: str = "application/json") -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to do

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — keep test output quiet
        pass


def _multipart(content_type: str, body: bytes) -> dict[str, tuple]:
    """Form fields of a multipart/form-data body: name -> (text,) or, for a file, (text, filename, bytes)."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body)
    fields: dict[str, tuple] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_param("filename", header="content-disposition")
        fields[name] = (data.decode("utf-8", "replace"), filename, data) if filename else (data.decode("utf-8", "replace"),)
    return fields


def _with_headers(reply: tuple[int, Any]) -> tuple[int, dict, Any]:
    return reply[0], {}, reply[1]
