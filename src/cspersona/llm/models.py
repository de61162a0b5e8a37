"""The LLM call log: every answer from a provider or the response cache, with tokens and cost."""

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base, CreatedAtMixin


class LLMCall(CreatedAtMixin, Base):
    """One answer obtained from a provider or from the response cache, with tokens and cost.

    The prompt is stored as it was sent, i.e. after PII was replaced, so the log holds no PII.
    """

    __tablename__ = "llm_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(128))
    prompt_key: Mapped[str] = mapped_column(String(64), index=True)
    prompt: Mapped[dict[str, Any]] = mapped_column(default=dict)
    response: Mapped[str] = mapped_column(Text)
    input_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float | None]
    latency_ms: Mapped[float] = mapped_column(default=0.0)
    cached: Mapped[bool] = mapped_column(default=False)
    streamed: Mapped[bool] = mapped_column(default=False)
