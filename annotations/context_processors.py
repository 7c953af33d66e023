"""What every page's template needs about the person reading it."""

from annotations.models.preferences import SHORTCUTS_SESSION_KEY
from annotations.selectors.preferences import preferences_of


def shortcuts_setting(request) -> str:
    """``"on"`` or ``"off"``: whether ``request``'s user wants single-key shortcuts. No query for
    an anonymous visitor or a session that holds the copy made at sign-in; one otherwise, after
    which the session holds it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "on"
    session = getattr(request, "session", None)
    wanted = session.get(SHORTCUTS_SESSION_KEY) if session is not None else None
    if wanted is None:
        wanted = preferences_of(user).single_key_shortcuts
        if session is not None:
            session[SHORTCUTS_SESSION_KEY] = wanted
    return "on" if wanted else "off"


def keyboard(request) -> dict:
    """``keyboard_shortcuts`` for ``<body data-shortcuts>``."""
    return {"keyboard_shortcuts": shortcuts_setting(request)}
