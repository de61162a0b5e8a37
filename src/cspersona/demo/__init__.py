"""``cspersona demo``: the first five minutes, from an empty folder to a served dashboard."""
