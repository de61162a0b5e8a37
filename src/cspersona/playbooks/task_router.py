"""``/api/tasks``: the caller's work queue and what they do with a task."""

from fastapi import APIRouter

router = APIRouter(prefix="/tasks", tags=["tasks"])
