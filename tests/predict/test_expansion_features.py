from datetime import UTC, datetime

import numpy as np
import pandas as pd

from cspersona.predict.expansion_features import (
    SATURATION_COLUMN,
    SINCE_EXPANSION_COLUMN,
    expansion_history,
    with_expansion_signals,
)

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)


def test_expansion_history_counts_days_from_the_last_expansion_before_the_moment() -> None:
    expanded = {
        1: [datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 5, 2, tzinfo=UTC)],
        2: [datetime(2026, 7, 1, tzinfo=UTC)],  # after the moment: unknown then
    }

    history = expansion_history([1, 2, 3], expanded, AS_OF)

    assert history.loc[1, SINCE_EXPANSION_COLUMN] == 30
    assert history.loc[[2, 3], SINCE_EXPANSION_COLUMN].isna().all()


def test_signals_join_saturation_history_and_persona_by_customer() -> None:
    frame = pd.DataFrame({"usage_active_users_30d": [9.0, 4.0]}, index=[1, 2])
    peaks = pd.Series({1: 10.0, 2: 0.0})

    table = with_expansion_signals(
        frame, peaks, expansion_history([1, 2], {}, AS_OF), personas={1: "Power Users"}
    )

    assert table.loc[1, SATURATION_COLUMN] == 0.9
    assert np.isnan(table.loc[2, SATURATION_COLUMN])  # no peak: saturation unknown
    assert table["persona"].tolist() == ["Power Users", "(none)"]
