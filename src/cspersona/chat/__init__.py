"""Talking to personas: the reply engines, scenarios and the LLM providers behind them."""
