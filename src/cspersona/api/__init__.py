"""The HTTP API: application factory, dependencies, error mapping and the router wiring."""
