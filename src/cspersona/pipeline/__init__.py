"""The pipeline: every stage after ingestion, run in order over the database."""
