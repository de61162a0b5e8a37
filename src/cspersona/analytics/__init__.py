"""Customer analytics: conversation dynamics, communication patterns, segments, churn signals."""
