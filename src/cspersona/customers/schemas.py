"""Pydantic models for customers as the API shows them."""

from datetime import date

from pydantic import BaseModel, ConfigDict

from cspersona.api.pagination import Page


class CustomerBase(BaseModel):
    """Fields a customer is described by."""

    external_id: str | None = None
    company_name: str
    industry: str | None = None
    size: str | None = None
    plan: str | None = None
    arr: float | None = None
    region: str | None = None
    language: str | None = None
    contract_start: date | None = None
    renewal_date: date | None = None
    csm_owner: str | None = None


class CustomerRead(CustomerBase):
    """A stored customer."""

    model_config = ConfigDict(from_attributes=True)

    id: int


CustomerPage = Page[CustomerRead]
