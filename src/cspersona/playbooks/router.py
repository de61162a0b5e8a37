"""``/api/playbooks``: playbooks and their generation."""

from fastapi import APIRouter

router = APIRouter(prefix="/playbooks", tags=["playbooks"])
