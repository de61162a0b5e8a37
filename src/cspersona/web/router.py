"""Every page router in one place, plus the home page."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from cspersona.web import (
    assets,
    chat,
    chat_history,
    customers,
    expansion,
    logged_actions,
    login,
    overview,
    persona_changes,
    persona_edits,
    personas,
    playbook_editor,
    playbook_start,
    playbooks,
    risk,
    roi,
    tasks,
)

router = APIRouter(include_in_schema=False)
router.include_router(assets.router)
router.include_router(login.router)
router.include_router(customers.router)
router.include_router(overview.router)
router.include_router(persona_edits.router)
router.include_router(personas.router)
router.include_router(persona_changes.router)
router.include_router(risk.router)
router.include_router(expansion.router)
router.include_router(chat.router)
router.include_router(chat_history.router)
router.include_router(tasks.router)
router.include_router(playbook_editor.router)
router.include_router(playbook_start.router)
router.include_router(logged_actions.router)
router.include_router(playbooks.router)
router.include_router(roi.router)


@router.get("/")
def home() -> RedirectResponse:
    """The dashboard's first page."""
    return RedirectResponse("/overview", status_code=303)
