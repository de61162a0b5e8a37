"""A dataset folder's ``interventions.csv``: past actions, imported after the customers.

The log's own importer records the rows; this module only fits it into an ingestion run: notes
are anonymised like every other imported text, refused rows go to the run's quarantine with
their reason, and the counts join the run's accounting as the ``interventions`` entity.
"""

import json
from pathlib import Path

from sqlalchemy.orm import Session

from cspersona.ingest.anonymize import RecordAnonymizer, Scope
from cspersona.ingest.models import IngestionRun, QuarantinedRecord, QuarantineKind
from cspersona.ingest.schemas import EntityCounts
from cspersona.interventions.importer import import_rows, read_csv

FILE_NAME = "interventions.csv"
ENTITY = "interventions"
RECORDED_BY = "import"


def load_interventions(
    db_session: Session, *, run: IngestionRun, folder: Path, anonymizer: RecordAnonymizer
) -> EntityCounts | None:
    """Import ``folder``'s interventions file, if it has one; None when it has none."""
    path = folder / FILE_NAME
    if not path.is_file():
        return None
    rows = read_csv(path)
    for row in rows:
        row["note"] = anonymizer.text(row.get("note"), Scope.of(row.get("customer_id") or ""))
    report = import_rows(db_session, rows, recorded_by=RECORDED_BY)
    db_session.add_all(
        QuarantinedRecord(
            run_id=run.id,
            entity=ENTITY,
            kind=QuarantineKind.INVALID,
            source="dataset",
            row_ref=f"{FILE_NAME} line {problem.line}",
            raw=json.dumps(problem.raw, ensure_ascii=False),
            reason=problem.reason,
        )
        for problem in report.problems
    )
    db_session.flush()
    return EntityCounts(
        received=report.received,
        loaded=report.recorded,
        duplicates=report.already,
        quarantined=len(report.problems),
    )
