"""The interventions log: every action taken for a customer, immutable once recorded."""
