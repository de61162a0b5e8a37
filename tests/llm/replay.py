"""Replaying recorded provider exchanges through httpx2's MockTransport, checking each request."""

import json
from pathlib import Path
from typing import Any

import httpx2

RECORDINGS = Path(__file__).parent / "recordings"


def contains(actual: Any, expected: Any) -> bool:
    """Whether ``actual`` holds everything ``expected`` names (extra keys are allowed)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    return bool(actual == expected)


class Replay:
    """Answers requests with recordings in order, and keeps the requests for assertions."""

    def __init__(self, *names: str) -> None:
        self.recordings = [json.loads((RECORDINGS / f"{name}.json").read_text()) for name in names]
        self.requests: list[dict[str, Any]] = []

    def client(self) -> httpx2.Client:
        """An HTTP client whose every request is answered from the recordings."""
        return httpx2.Client(transport=httpx2.MockTransport(self._answer))

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        if len(self.requests) > len(self.recordings):
            raise AssertionError(f"unexpected request number {len(self.requests)}: {body}")
        recording = self.recordings[len(self.requests) - 1]
        expected = recording["request"]
        assert request.method == expected["method"]
        assert request.url.path == expected["path"], request.url
        assert contains(body, expected["json"]), body
        answer = recording["response"]
        if "json" in answer:
            return httpx2.Response(answer["status"], headers=answer["headers"], json=answer["json"])
        return httpx2.Response(
            answer["status"], headers=answer["headers"], content=answer["body"].encode()
        )
