"""Playbooks and the CSM's work queue: what to do about a customer, by whom, by when."""
