"""Churn prediction: calibrated probabilities per horizon, their drivers, and the churn scores."""
