"""How much one import may carry. Beyond these an export is refused with a clear error, so that
one request never holds a worker for long; a larger export is imported in parts."""

# Bytes of one export file (or one request's ``export``).
EXPORT_MAX_BYTES = 2 * 1024 * 1024
# Label Studio tasks (articles) of one import.
MAX_TASKS = 1000
# Annotations (Label Studio regions, W3C annotations) of one import.
MAX_ANNOTATIONS = 20_000
