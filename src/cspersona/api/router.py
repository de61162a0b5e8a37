"""Every domain router, mounted under ``/api`` in one place."""

from fastapi import APIRouter

from cspersona.customers.router import router as customers_router
from cspersona.ingest.router import router as ingest_router

api_router = APIRouter(prefix="/api")
api_router.include_router(customers_router)
api_router.include_router(ingest_router)
