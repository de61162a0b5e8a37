"""The synthetic customer world: archetypes, companies, conversations, NPS, usage and truth."""
