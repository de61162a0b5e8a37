"""Browser-test support: Debian's chromium, the real app served in a thread, console watching.

Used by ``test_browser.py`` through the fixtures in ``conftest.py``.
"""

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import ConsoleMessage, Error, Page

CHROMIUM = Path("/usr/bin/chromium")
# design.md: Debian's chromium, headless, with everything that phones home switched off.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 768, "height": 1024}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port until the block ends; yield its URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class ConsoleWatch:
    """Console errors and uncaught exceptions of a page; a test may expect some by pattern."""

    errors: list[str] = field(default_factory=list)
    expected: list[re.Pattern[str]] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Listen to ``page``."""
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def expect(self, pattern: str) -> None:
        """Allow errors matching ``pattern`` (e.g. the 404 a test provokes on purpose)."""
        self.expected.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        """Errors no expectation covers."""
        return [
            error
            for error in self.errors
            if not any(pattern.search(error) for pattern in self.expected)
        ]

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def _on_page_error(self, error: Error) -> None:
        self.errors.append(f"page error: {error.message}")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as ``test-artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
