"""Customers (the companies we serve), their contacts, NPS answers, usage and lifecycle events."""
