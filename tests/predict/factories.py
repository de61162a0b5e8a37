"""Synthetic customer tables with a known churn mechanism, written as CRM exports would be."""

from pathlib import Path

import numpy as np
import pandas as pd

PLANS = ("basic", "pro", "enterprise")


def customer_table(customers: int, *, seed: int = 0, months: int = 24) -> pd.DataFrame:
    """Customers whose monthly churn hazard rises with a monthly contract and support tickets.

    Columns: ``customer_id``, ``plan``, ``contract``, ``seats``, ``tickets`` (some blank),
    ``region`` (noise), ``tenure_months`` (until churn or until the export) and ``churned``
    (Yes/No). Active customers are censored at a random export month.
    """
    generator = np.random.default_rng(seed)
    contract = generator.choice(["monthly", "annual"], size=customers, p=[0.5, 0.5])
    tickets = generator.poisson(2.0, size=customers)
    seats = generator.integers(5, 200, size=customers)
    plan = generator.choice(PLANS, size=customers)
    hazard = monthly_hazard(contract, tickets, seats)
    churn_month = generator.geometric(hazard)
    export_month = generator.integers(1, months + 1, size=customers)
    churned = churn_month <= export_month
    tenure = np.where(churned, churn_month, export_month)
    ticket_text = tickets.astype(str).astype(object)
    ticket_text[generator.random(customers) < 0.05] = " "
    return pd.DataFrame(
        {
            "customer_id": [f"C{index:05d}" for index in range(customers)],
            "plan": plan,
            "contract": contract,
            "seats": seats,
            "tickets": ticket_text,
            "region": generator.choice(["emea", "amer", "apac"], size=customers),
            "tenure_months": tenure,
            "churned": np.where(churned, "Yes", "No"),
        }
    )


def monthly_hazard(contract: np.ndarray, tickets: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """The true chance of churning in a month, given activity until then."""
    log_odds = -3.8 + 2.0 * (contract == "monthly") + 0.5 * tickets - 0.006 * seats
    return np.asarray(1 / (1 + np.exp(-log_odds)))


def true_hazard(table: pd.DataFrame) -> np.ndarray:
    """:func:`monthly_hazard` of a generated table (blank ticket counts read as the mean, 2)."""
    tickets = pd.to_numeric(table["tickets"], errors="coerce").fillna(2.0).to_numpy()
    return monthly_hazard(table["contract"].to_numpy(), tickets, table["seats"].to_numpy())


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as a CSV file and return its path."""
    frame.to_csv(path, index=False)
    return path
