"""Read-only summaries of what the stages wrote (personas, churn scores, message analysis)."""
