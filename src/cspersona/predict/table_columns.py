"""Decide what each column of a customer table is: a number, a category, or not a feature.

CSV cells arrive as text. A column is numeric when nearly all its non-blank cells parse as numbers
(so Telco's ``TotalCharges`` with 11 blank cells is numeric, the blanks missing values handled by
the models); otherwise it is categorical. Constant columns and identifier-like columns (almost
every value distinct, such as customer ids, e-mail addresses or free text) are skipped, with the
reason kept for the training summary.
"""

from typing import Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from cspersona.exceptions import BadInput
from cspersona.predict.table import is_missing

BLANK_CATEGORY = "(blank)"


class TableSchema(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Types the columns of a text table: numeric columns become floats, the rest categories.

    Args:
        numeric_share: share of non-blank cells that must parse as numbers for a numeric column.
        identifier_share: a text column with at least this share of distinct values (and more
            than ``min_identifier_values`` of them) looks like an identifier and is skipped.
        min_identifier_values: smallest number of distinct values an identifier column has.
    """

    def __init__(
        self,
        numeric_share: float = 0.95,
        identifier_share: float = 0.5,
        min_identifier_values: int = 20,
    ) -> None:
        """Store the typing thresholds (scikit-learn convention: no logic here)."""
        self.numeric_share = numeric_share
        self.identifier_share = identifier_share
        self.min_identifier_values = min_identifier_values

    def fit(self, frame: pd.DataFrame, y: object = None) -> Self:
        """Classify every column; raise :class:`BadInput` when none is usable."""
        self.numeric_columns_: list[str] = []
        self.categorical_columns_: list[str] = []
        self.skipped_columns_: dict[str, str] = {}
        for column in frame.columns:
            kind = self._classify(frame[column])
            if kind == "numeric":
                self.numeric_columns_.append(str(column))
            elif kind == "categorical":
                self.categorical_columns_.append(str(column))
            else:
                self.skipped_columns_[str(column)] = kind
        if not self.numeric_columns_ and not self.categorical_columns_:
            reasons = "; ".join(f"{name}: {why}" for name, why in self.skipped_columns_.items())
            raise BadInput(f"the table has no usable feature column ({reasons or 'no columns'})")
        typed = self.transform(frame)
        # The typical customer, for explanations: median number, most frequent category.
        self.typical_: dict[str, float | str] = {
            column: float(typed[column].median()) for column in self.numeric_columns_
        }
        for column in self.categorical_columns_:
            self.typical_[column] = str(typed[column].mode().iloc[0])
        return self

    @property
    def feature_columns(self) -> list[str]:
        """The columns the models use, in table order within each kind."""
        return [*self.numeric_columns_, *self.categorical_columns_]

    def identifier_column(self) -> str | None:
        """The first column skipped as identifier-like: the natural key for predictions."""
        for column, reason in self.skipped_columns_.items():
            if reason.startswith("identifier-like"):
                return column
        return None

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The feature columns typed: floats (NaN when missing) and category strings."""
        missing = [column for column in self.feature_columns if column not in frame.columns]
        if missing:
            raise BadInput(f"the table lacks feature columns the model needs: {', '.join(missing)}")
        typed = {column: _as_numbers(frame[column]) for column in self.numeric_columns_}
        for column in self.categorical_columns_:
            values = frame[column].astype(object)
            typed[column] = values.where(~is_missing(values), BLANK_CATEGORY).astype(str)
        return pd.DataFrame(typed, index=frame.index)[self.feature_columns]

    def _classify(self, values: pd.Series) -> str:
        present = values[~is_missing(values)]
        if present.empty:
            return "empty"
        if present.nunique() == 1 and len(present) == len(values):
            return "constant"
        numbers = pd.to_numeric(present, errors="coerce")
        if numbers.notna().mean() >= self.numeric_share:
            # Two-valued numbers (0/1 flags) read better and fit better as categories.
            return "numeric" if numbers.nunique() > 2 else "categorical"
        distinct = present.nunique()
        if distinct > self.min_identifier_values and distinct >= self.identifier_share * len(
            values
        ):
            return f"identifier-like ({distinct} distinct values)"
        return "categorical"


def _as_numbers(values: pd.Series) -> pd.Series:
    """Floats from text cells; blanks and unparsable cells become NaN."""
    return pd.to_numeric(values.where(~is_missing(values)), errors="coerce").astype(np.float64)
