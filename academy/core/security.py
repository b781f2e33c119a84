"""Response headers every page carries, and cache rules for pages behind a login."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_bytes():
        # No text of ours contains NUL, and PostgreSQL refuses it in any string: answer 400
        # here rather than 500 deep inside a query.
        texts = [request.path]
        for data in (request.args, request.form):
            for key, values in data.lists():
                texts.append(key)
                texts.extend(values)
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            abort(400)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response


def safe_next_path(target: str | None) -> str | None:
    """`target` if it is a path of this site, else None: no scheme, host or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target
