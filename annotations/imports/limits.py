"""How much one import may carry. An export within the first bounds is imported while the request
waits; a larger one runs as a background job (``ImportJob``, kinds ``labelstudio`` and ``w3c``),
up to the second bounds; beyond those it is refused with a clear error, to be imported in parts."""

# Bytes of an export imported while the request waits, and of any export at all.
EXPORT_MAX_BYTES = 2 * 1024 * 1024
JOB_EXPORT_MAX_BYTES = 20 * 1024 * 1024
# Label Studio tasks (articles) imported while the request waits, and in a job.
MAX_TASKS = 1000
JOB_MAX_TASKS = 20_000
# Keys and items of a JSON body that carries an export (DATA_UPLOAD_MAX_JSON_FIELDS bounds the
# rest of the API): enough for JOB_MAX_TASKS annotated tasks within JOB_EXPORT_MAX_BYTES.
MAX_JSON_FIELDS = 2_000_000
# Annotations (Label Studio regions, W3C annotations) of one import, job or not.
MAX_ANNOTATIONS = 200_000

TOO_LARGE = f"The export is larger than {JOB_EXPORT_MAX_BYTES // (1024 * 1024)} MB; import it in parts."
