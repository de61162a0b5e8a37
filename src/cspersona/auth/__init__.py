"""Who is calling and what they may do: users, API keys, roles and object-level authorization."""
