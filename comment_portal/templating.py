"""Template helpers: filters and the accessible attributes of form fields."""

from flask import Flask

from .timeutil import format_date, format_tokyo


def aria(field, hint: bool = False, show_errors: bool = True, extra: dict | None = None, also: str = "") -> dict:
    """Attributes that tie a field to its hint and error for screen readers."""
    ids = [f"{field.id}-hint"] if hint else []
    attrs = dict(extra or {})
    if show_errors and field.errors:
        ids.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if also:
        ids.append(also)
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    return {k: v for k, v in attrs.items() if v is not None}


def register(app: Flask) -> None:
    app.jinja_env.filters["tokyo"] = format_tokyo
    app.jinja_env.filters["jdate"] = format_date
    app.jinja_env.filters["number"] = lambda n: f"{n:,}"
    app.jinja_env.globals["aria"] = aria
