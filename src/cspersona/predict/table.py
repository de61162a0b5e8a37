"""Customer tables from CSV files: reading, churn labels, durations, and the feature columns.

A bring-your-own-data table has one row per customer, a label column saying who churned and,
optionally, a time column saying how long each customer was observed (until churn, or until now
for customers still active) and an id column. Everything else is a candidate feature.
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from cspersona.exceptions import BadInput

# Spellings of "churned" and "stayed" a CRM export may use; matched case-insensitively.
CHURNED_VALUES = frozenset(
    {"1", "1.0", "yes", "y", "true", "t", "churn", "churned", "lost", "cancelled", "canceled",
     "left", "inactive", "closed"}
)  # fmt: skip
STAYED_VALUES = frozenset(
    {"0", "0.0", "no", "n", "false", "f", "active", "stayed", "retained", "renewed", "current",
     "open", "customer"}
)  # fmt: skip
# Cell values that mean "nothing here"; matched after stripping blanks, case-insensitively.
MISSING_VALUES = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-"})
DAYS_PER_MONTH = 30  # so that 30/60/90-day horizons are exactly 1/2/3 months


class TimeUnit(StrEnum):
    """The unit of a table's time column."""

    DAYS = "days"
    MONTHS = "months"


@dataclass(frozen=True)
class CustomerTable:
    """A labelled table, parsed: features apart from outcomes and ids."""

    features: pd.DataFrame
    ids: pd.Series | None
    churned: np.ndarray
    observed_days: np.ndarray | None

    @property
    def target(self) -> np.ndarray:
        """What a churn model's ``fit`` takes as ``y``: churn flags, or (days observed, flag)."""
        if self.observed_days is None:
            return self.churned
        return np.column_stack([self.observed_days, self.churned])


def read_csv(path: Path) -> pd.DataFrame:
    """Every cell of a CSV file as stripped text, so that typing is decided by the schema alone."""
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise BadInput(f"{path} is not a readable CSV file ({reason})") from None
    if len(frame.columns) < 2:
        raise BadInput(
            f"{path} has a single column ({frame.columns[0]!r}); "
            "a customer table needs comma-separated columns"
        )
    if frame.empty:
        raise BadInput(f"{path} has a header but no customer rows")
    stripped: pd.DataFrame = frame.apply(lambda column: column.str.strip()).astype(object)
    return stripped


def is_missing(values: pd.Series) -> pd.Series:
    """True where a text cell is empty or spells a missing value.

    A number never spells one, so numeric columns (the product model's snapshots) skip the text
    check, which costs a string per cell.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.isna()
    return values.isna() | values.astype(str).str.strip().str.lower().isin(MISSING_VALUES)


def parse_churn_label(values: pd.Series, column: str) -> np.ndarray:
    """1 for churned, 0 for stayed, from whichever spelling the table uses."""
    if is_missing(values).any():
        raise BadInput(f"label column {column!r} has {int(is_missing(values).sum())} blank values")
    lowered = values.astype(str).str.strip().str.lower()
    unknown = sorted(set(lowered) - CHURNED_VALUES - STAYED_VALUES)
    if unknown:
        shown = ", ".join(repr(value) for value in unknown[:5])
        raise BadInput(
            f"label column {column!r} has values that are neither churned nor stayed: {shown}; "
            "use e.g. Yes/No, 1/0, True/False or churned/active"
        )
    churned = lowered.isin(CHURNED_VALUES).to_numpy(dtype=np.int64)
    if churned.min() == churned.max():
        state = "churned" if churned[0] else "stayed"
        raise BadInput(
            f"label column {column!r} has one class only (every customer {state}); "
            "a churn model needs both churned and retained customers"
        )
    return churned


def parse_days(values: pd.Series, column: str, unit: TimeUnit) -> np.ndarray:
    """Non-negative durations in days from a time column in ``unit``."""
    numbers = pd.to_numeric(values.where(~is_missing(values)), errors="coerce")
    bad = numbers.isna() | (numbers < 0)
    if bad.any():
        example = values[bad].iloc[0]
        raise BadInput(
            f"time column {column!r} has {int(bad.sum())} values that are not non-negative "
            f"numbers (e.g. {example!r})"
        )
    factor = DAYS_PER_MONTH if unit is TimeUnit.MONTHS else 1
    return numbers.to_numpy(dtype=np.float64) * factor


def parse_time_unit(value: str) -> TimeUnit:
    """The :class:`TimeUnit` named ``value``, or a one-line error listing the valid ones."""
    try:
        return TimeUnit(value.strip().lower())
    except ValueError:
        valid = ", ".join(unit.value for unit in TimeUnit)
        raise BadInput(f"unknown time unit {value!r}; use one of: {valid}") from None


def require_columns(frame: pd.DataFrame, columns: Sequence[str | None], path: Path) -> None:
    """Raise a one-line error naming the first requested column the table lacks."""
    for column in columns:
        if column is not None and column not in frame.columns:
            available = ", ".join(list(frame.columns)[:12])
            raise BadInput(f"{path} has no column {column!r} (columns: {available})")


def split_table(
    frame: pd.DataFrame,
    *,
    label: str,
    time: str | None,
    time_unit: TimeUnit,
    id_column: str | None,
    drop: Sequence[str] = (),
) -> CustomerTable:
    """Separate outcome and id columns from features; they never become features."""
    outcome_columns = {column for column in (label, time, id_column, *drop) if column is not None}
    return CustomerTable(
        features=frame.drop(columns=[c for c in outcome_columns if c in frame.columns]),
        ids=frame[id_column] if id_column is not None else None,
        churned=parse_churn_label(frame[label], label),
        observed_days=parse_days(frame[time], time, time_unit) if time is not None else None,
    )


@dataclass(frozen=True)
class TableSpec:
    """A labelled CSV customer table: where it is and what its special columns are."""

    path: Path
    label: str
    time: str | None = None
    time_unit: TimeUnit = TimeUnit.DAYS
    id_column: str | None = None
    drop: tuple[str, ...] = ()

    def read(self) -> CustomerTable:
        """Read and split the table, with one-line errors for anything unusable."""
        frame = read_csv(self.path)
        require_columns(frame, [self.label, self.time, self.id_column, *self.drop], self.path)
        return split_table(
            frame,
            label=self.label,
            time=self.time,
            time_unit=self.time_unit,
            id_column=self.id_column,
            drop=self.drop,
        )
