"""Personas: clusters of customers who behave alike, with profiles a CSM can use."""
