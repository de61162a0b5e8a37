"""Reproducible training of the packaged text model: ``python -m cspersona.nlp.training``."""
