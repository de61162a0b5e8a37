"""A model server on a loopback port that replays recorded exchanges, as Ollama or vLLM would.

Unlike :class:`tests.llm.replay.Replay`, which answers inside the HTTP client, this is a real
server: the product reaches it through its own settings (``CSPERSONA_LLM_BASE_URL``), and
server-sent events arrive event by event. A request that does not match its recording is answered
400 with the reason, and kept in ``mismatches``.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.llm.replay import RECORDINGS, contains


class RecordedServer:
    """Answers each request with the next recording given to :meth:`play`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.requests: list[dict[str, Any]] = []
        self.mismatches: list[str] = []
        self._queue: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def play(self, *names: str) -> None:
        """Answer the next requests with these recordings, in order."""
        with self._lock:
            self._queue = [json.loads((RECORDINGS / f"{name}.json").read_text()) for name in names]

    def next_recording(self, path: str, body: dict[str, Any]) -> dict[str, Any] | str:
        """The recording that answers this request, or why none does."""
        with self._lock:
            self.requests.append(body)
            if not self._queue:
                problem = f"unexpected request to {path}: {body}"
            else:
                recording = self._queue.pop(0)
                expected = recording["request"]
                if path != expected["path"]:
                    problem = f"expected {expected['path']}, got {path}"
                elif not contains(body, expected["json"]):
                    problem = f"request does not hold {expected['json']}: {body}"
                else:
                    return recording
            self.mismatches.append(problem)
            return problem


def _handler(server: RecordedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            recording = server.next_recording(self.path, body)
            if isinstance(recording, str):
                error = json.dumps({"error": {"message": recording}})
                self._send(400, {"content-type": "application/json"}, error)
                return
            answer = recording["response"]
            text = json.dumps(answer["json"]) if "json" in answer else answer["body"]
            self._send(answer["status"], answer["headers"], text)

        def _send(self, status: int, headers: dict[str, str], text: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()  # no length: the body ends when the connection closes
            streamed = headers.get("content-type", "").startswith("text/event-stream")
            for event in text.split("\n\n") if streamed else [text]:  # one write per event
                if event:
                    self.wfile.write(f"{event}\n\n".encode() if streamed else event.encode())
                    self.wfile.flush()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Keep the test output quiet."""

    return Handler


@contextmanager
def recorded_server() -> Iterator[RecordedServer]:
    """A :class:`RecordedServer` on a free loopback port until the block ends."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server = RecordedServer(f"http://127.0.0.1:{httpd.server_address[1]}/v1")
    httpd.RequestHandlerClass = _handler(server)
    thread = threading.Thread(target=httpd.serve_forever, name="model-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
