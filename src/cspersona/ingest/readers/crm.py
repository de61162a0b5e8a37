"""CRM exports (HubSpot, Salesforce): CSV files read through packaged column mappings.

Each vendor has one mapping per object (``src/cspersona/ingest/mappings/<vendor>-*.yaml``); the
file's header picks it. A different column layout can be loaded with a mapping of one's own.
"""

from functools import lru_cache
from pathlib import Path

from cspersona.ingest.mapping import ColumnMapping
from cspersona.ingest.readers.base import ReadOptions
from cspersona.ingest.readers.tables import TableReader
from cspersona.ingest.records import InputProblem

MAPPINGS_DIR = Path(__file__).resolve().parents[1] / "mappings"
VENDORS = ("hubspot", "salesforce")


@lru_cache(maxsize=len(VENDORS))
def packaged_mappings(vendor: str) -> tuple[ColumnMapping, ...]:
    """The vendor's packaged mappings, one per exported object."""
    return tuple(ColumnMapping.load(path) for path in sorted(MAPPINGS_DIR.glob(f"{vendor}-*.yaml")))


def vendor_of(header: list[str]) -> str | None:
    """The CRM whose export has this header, if any."""
    for vendor in VENDORS:
        if any(mapping.matches(header) for mapping in packaged_mappings(vendor)):
            return vendor
    return None


class CrmReader(TableReader):
    """A HubSpot or Salesforce CSV export of companies/accounts, contacts, or tickets/cases."""

    grouped = False

    def __init__(self, vendor: str) -> None:
        """Read ``vendor``'s exports (``hubspot`` or ``salesforce``)."""
        super().__init__("csv")
        self.vendor = vendor

    @property
    def name(self) -> str:  # type: ignore[override]
        """The ``--source`` name: the vendor."""
        return self.vendor

    def source_label(self, options: ReadOptions) -> str:
        """Conversations from a CRM export say which CRM."""
        return options.mapping.source if options.mapping is not None else self.vendor

    def choose_mapping(self, path: Path, header: list[str]) -> ColumnMapping:
        """The packaged mapping whose ``detect`` columns the header has."""
        for mapping in packaged_mappings(self.vendor):
            if mapping.matches(header):
                return mapping
        expected = "; ".join(
            ", ".join(mapping.detect) for mapping in packaged_mappings(self.vendor)
        )
        raise InputProblem(
            f"{path.name} is not a {self.vendor} export this version knows (expected columns: "
            f"{expected}); load it with --mapping FILE"
        )
