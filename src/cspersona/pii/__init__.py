"""PII detection and anonymisation: recognisers, an analyser that combines them, operators."""
