"""What a value must be for the database to store it: checked at the edge, stated in schemas.

Kept apart from ``deps`` (which needs FastAPI) so documents validated outside a request, such as
a playbook read from a YAML file by the CLI, share the same limits without loading the web stack.
"""

# Text a database can store: PostgreSQL refuses the NUL character, so the schema refuses it too.
TEXT_PATTERN = r"^[^\x00]*$"

# Ids and offsets beyond a 32-bit integer cannot exist (PostgreSQL ``integer`` columns) and would
# overflow the database driver; refusing them at the edge makes them a 422, not a 500.
MAX_ID = 2**31 - 1
