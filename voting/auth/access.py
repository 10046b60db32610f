"""Role checks for views, and the logged-in user."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user

from voting.auth.models import Role, User
from voting.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let only logged-in users with one of *roles* through; others get the login page or 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        # Declared for the authorization matrix test (tests/security/test_authorization.py).
        wrapped.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return cast(F, wrapped)

    return decorator


def polled(*roles: Role) -> Callable[[F], F]:
    """Mark a view that checks the login session and *roles* in its own query, then (on refusal) as usual.

    For the polls of the live pages: an unchanged answer (304) must cost no more than one query
    beyond the request itself. The view calls ``refuse_poll`` when its query finds nothing.
    """

    def decorator(view: F) -> F:
        view.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        view.checks_login_session = True  # type: ignore[attr-defined]
        return view

    return decorator


def user() -> User:
    """Return the logged-in user, typed."""
    return cast(User, current_user._get_current_object())
