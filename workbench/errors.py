from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """The request is valid but clashes with the current state (a duplicate verdict, say): HTTP 409."""


class PreconditionFailed(Exception):
    """An ``If-Match`` precondition no longer holds: the object changed since it was read. HTTP 412."""

    def __init__(self, message: str = "This object was changed by someone else; reload it and try again."):
        super().__init__(message)
        self.message = message


class ItemErrors(Exception):
    """Errors of a batch's items, by position: ``{field: {position: {item_field: [reason]}}}``.

    The API answers 400 in that shape, or 409 when ``conflict`` (an item clashes with the state).
    """

    def __init__(self, field: str, errors: dict[int, dict[str, list[str]]], *, conflict: bool = False):
        super().__init__(f"{len(errors)} bad item(s) in {field}")
        self.field = field
        self.errors = errors
        self.conflict = conflict

    @property
    def detail(self) -> dict:
        return {self.field: {str(position): fields for position, fields in sorted(self.errors.items())}}
