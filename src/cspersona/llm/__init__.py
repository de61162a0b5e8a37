"""LLM providers behind one interface, with retries, a response cache, cost logs and a PII guard."""
