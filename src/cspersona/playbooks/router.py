"""``/api/playbooks``: playbooks and their generation."""

from fastapi import APIRouter

from cspersona.auth.deps import PlaybookManager
from cspersona.jobs.router import add_job_route
from cspersona.playbooks.jobs import generate_playbooks

router = APIRouter(prefix="/playbooks", tags=["playbooks"])
add_job_route(router, "/generate", generate_playbooks, starter=PlaybookManager)
