from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """The request is valid but clashes with the current state (a duplicate verdict, say): HTTP 409."""


class PreconditionFailed(Exception):
    """An ``If-Match`` precondition no longer holds: the object changed since it was read. HTTP 412."""

    def __init__(self, message: str = "This object was changed by someone else; reload it and try again."):
        super().__init__(message)
        self.message = message
