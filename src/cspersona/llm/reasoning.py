"""Removing a reasoning model's thinking from its answer.

Reasoning models served by Ollama, llama.cpp or vLLM without a reasoning parser write their
chain of thought into the answer itself, as a leading ``<think>...</think>`` block. A persona must
never say it, so it is cut from whole answers and from streams, where the tags arrive in pieces.
"""

import re

OPEN, CLOSE = "<think>", "</think>"
_LEADING_THOUGHT = re.compile(rf"^\s*{OPEN}.*?(?:{CLOSE}|$)\s*", re.DOTALL)


def without_thinking(text: str) -> str:
    """``text`` without a leading thinking block (an unfinished one takes all the text)."""
    return _LEADING_THOUGHT.sub("", text, count=1)


class ThinkingFilter:
    """Feeds a stream's pieces through and keeps back a leading thinking block.

    Until the start of the stream shows whether a thinking block opens it, text is held back;
    after that, pieces pass through unchanged.
    """

    def __init__(self) -> None:
        """Start undecided: nothing seen yet."""
        self._held = ""
        self._state = "start"  # start -> thinking -> after_thought -> answering

    def feed(self, piece: str) -> str:
        """The part of ``piece`` (with what was held back) that belongs to the answer."""
        if self._state == "answering":
            return piece
        self._held += piece
        if self._state == "start":
            opening = self._held.lstrip()
            if not opening or OPEN.startswith(opening):
                return ""  # too early to tell
            if not opening.startswith(OPEN):
                self._state = "answering"
                return self._release()
            self._state = "thinking"
        if self._state == "thinking":
            end = self._held.find(CLOSE)
            if end < 0:
                return ""
            self._held = self._held[end + len(CLOSE) :]
            self._state = "after_thought"
        self._held = self._held.lstrip()  # the blank lines between the thought and the answer
        if not self._held:
            return ""
        self._state = "answering"
        return self._release()

    def finish(self) -> str:
        """What is still held back when the stream ends: text that never became a thought."""
        return self._release() if self._state == "start" else ""

    def _release(self) -> str:
        held, self._held = self._held, ""
        return held
