"""One decorator guards every non-public view."""

from functools import wraps

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from ..extensions import login_manager
from ..models import Role


def role_required(*roles: Role):
    """Anonymous users go to the login page; signed-in users without the role get 403."""
    allowed = set(roles) | {Role.ADMIN}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            if _must_set_up_two_factor():
                flash("管理者のアカウントは、2段階認証を設定してから使えます。", "info")
                return redirect(url_for("two_factor.setup"))
            return view(*args, **kwargs)

        wrapped.required_roles = allowed
        return wrapped

    return decorator


# Who may do what (admins may do everything).
STAFF_ROLES = (Role.STAFF, Role.APPROVER)
APPROVER_ROLES = (Role.APPROVER,)
ADMIN_ROLES = ()
COMMITTEE_ROLES = (Role.COMMITTEE, Role.STAFF, Role.APPROVER)


# Pages an admin without two-factor sign-in may still open in production: setting it up, and leaving.
TWO_FACTOR_EXEMPT = {"two_factor.setup", "auth.account", "auth.logout"}


def _must_set_up_two_factor() -> bool:
    return (current_app.config["ENV"] == "production" and current_user.role is Role.ADMIN
            and not current_user.totp_secret and request.endpoint not in TWO_FACTOR_EXEMPT)
