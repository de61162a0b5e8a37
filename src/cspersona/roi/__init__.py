"""Did it work: outcomes of interventions, effects with honest uncertainty, and ROI figures."""
