"""Server-sent events: the text format, and the response that streams them without buffering."""

import re
from collections.abc import Iterator

from fastapi.responses import StreamingResponse

# Line ends as the event-stream format reads them: a CR inside data would end its line.
_LINE_END = re.compile(r"\r\n|\r|\n")
# Not stored, and not held back by a buffering proxy (nginx reads X-Accel-Buffering).
_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def server_sent_event(name: str, data: str) -> str:
    """One event; each line of ``data`` on its own ``data:`` line, as the format requires."""
    lines = "".join(f"data: {line}\n" for line in _LINE_END.split(data))
    return f"event: {name}\n{lines}\n"


def event_stream(events: Iterator[str]) -> StreamingResponse:
    """A ``text/event-stream`` response sending each event as soon as it is made."""
    return StreamingResponse(events, media_type="text/event-stream", headers=_HEADERS)
