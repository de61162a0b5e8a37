"""Readers for every supported input, and the detection that picks one for a path."""
