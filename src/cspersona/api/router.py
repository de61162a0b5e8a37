"""Every domain router, mounted under ``/api`` in one place, all behind an API key."""

from fastapi import APIRouter, Depends

from cspersona.auth.deps import get_principal
from cspersona.auth.router import router as auth_router
from cspersona.chat.router import router as chat_router
from cspersona.conversations.router import router as conversations_router
from cspersona.customers.router import router as customers_router
from cspersona.http.errors import error_responses
from cspersona.ingest.router import router as ingest_router
from cspersona.jobs.router import router as jobs_router
from cspersona.personas.router import customer_router as customer_persona_router
from cspersona.personas.router import router as personas_router
from cspersona.playbooks.router import router as playbooks_router
from cspersona.playbooks.task_router import router as tasks_router
from cspersona.predict.router import router as insights_router
from cspersona.reports.roi_router import router as roi_router
from cspersona.reports.router import router as customer_list_router
from cspersona.roi.log_router import router as interventions_router

# Authentication here covers every route, present and future; each route then states the
# permission it needs (Reader, JobStarter, AccessManager from cspersona.auth.deps).
api_router = APIRouter(
    prefix="/api", dependencies=[Depends(get_principal)], responses=error_responses(400, 401, 403)
)
api_router.include_router(auth_router)
api_router.include_router(customer_list_router)
api_router.include_router(customers_router)
api_router.include_router(conversations_router)
api_router.include_router(jobs_router)
api_router.include_router(ingest_router)
api_router.include_router(insights_router)
api_router.include_router(chat_router)
api_router.include_router(personas_router)
api_router.include_router(customer_persona_router)
api_router.include_router(playbooks_router)
api_router.include_router(tasks_router)
api_router.include_router(interventions_router)
api_router.include_router(roi_router)
