"""Ingestion: readers, validation, deduplication, PII anonymisation and quarantine."""
