"""Pydantic models for customers as the API shows them, and how customer lists are queried."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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


class CustomerStatus(StrEnum):
    """Where a customer stands at the data's latest day."""

    ACTIVE = "active"
    RENEWING = "renewing soon"
    CHURNED = "churned"


class StatusRead(BaseModel):
    """A customer's status, with the churn date or the days to renewal where they apply."""

    status: CustomerStatus
    as_of: date | None = Field(
        default=None, description="The data's latest day, which the status is measured at."
    )
    churned_on: date | None = Field(default=None, description="When the customer churned.")
    renewal_in_days: int | None = Field(
        default=None, description="Days from the data's latest day to the renewal, when soon."
    )


class CustomerRead(CustomerBase):
    """A stored customer and where it stands."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: StatusRead | None = Field(
        default=None, description="Active, renewing soon or churned, at the data's latest day."
    )


class CustomerSort(StrEnum):
    """Columns a customer list can be sorted by.

    ``persona`` and ``risk_90d`` come from the persona and churn stages, above this package: the
    customer list that joins them is built in :mod:`cspersona.reports.customer_list`.
    """

    ID = "id"
    COMPANY_NAME = "company_name"
    INDUSTRY = "industry"
    PLAN = "plan"
    ARR = "arr"
    CSM_OWNER = "csm_owner"
    RENEWAL_DATE = "renewal_date"
    STATUS = "status"
    PERSONA = "persona"
    RISK_90D = "risk_90d"


class SortOrder(StrEnum):
    """Ascending or descending."""

    ASC = "asc"
    DESC = "desc"


class CustomerFilters(BaseModel):
    """Exact-match filters and a company-name search; None means no filter."""

    csm_owner: str | None = Field(default=None, description="Only this CSM's customers.")
    plan: str | None = Field(default=None, description="Only customers on this plan.")
    industry: str | None = Field(default=None, description="Only customers in this industry.")
    status: CustomerStatus | None = Field(
        default=None, description="Only customers with this status at the data's latest day."
    )
    search: str | None = Field(
        default=None, max_length=255, description="Company names containing this, any case."
    )


class CustomerFacets(BaseModel):
    """The values the filters can take among the customers the caller sees."""

    csm_owners: list[str]
    plans: list[str]
    industries: list[str]


class NpsSummary(BaseModel):
    """A customer's NPS answers: how many, and their mean score when there are any."""

    answers: int
    average_score: float | None
