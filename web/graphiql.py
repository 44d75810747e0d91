"""The GraphiQL page at ``/graphql`` and the files it loads, all served by leadbox itself.

The page works with no network: React, GraphiQL, its explorer plugin and their styles are the npm
builds kept in ``static/vendor/`` (refreshed by ``python -m web.refresh_graphiql``), and the boot
script and styles of our own sit beside them. They are served under
``/graphiql/static/<version>/``, where the version is a hash of every file, so a browser may keep
them for a year: a changed file changes every URL. The page itself is revalidated each time and
carries a Content-Security-Policy that lets it load and call only its own origin.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"
TEMPLATE = Path(__file__).parent / "graphiql.html"
STATIC_PREFIX = "/graphiql/static"
IMMUTABLE = "public, max-age=31536000, immutable"

# Only the page's own origin, with two allowances GraphiQL needs: its stylesheet embeds its fonts
# and icons as data: URLs, and its editors (CodeMirror) and the libraries bundled with it add
# <style> elements and style attributes at run time. No inline or evaluated script: the boot code
# is a file (leadbox-graphiql.js).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


@functools.cache
def asset_version() -> str:
    """A hash of every static file's name and content: part of each asset's URL."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def static_path() -> str:
    return f"{STATIC_PREFIX}/{asset_version()}"


class ImmutableStaticFiles(StaticFiles):
    """Static files a browser may cache for a year (their URL changes with their content)."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def static_mount() -> Mount:
    """The route serving the page's files; graphiql.min.js is 3.5 MB, 0.73 MB gzipped."""
    files = ImmutableStaticFiles(directory=STATIC)
    return Mount(static_path(), app=GZipMiddleware(files, minimum_size=1024, compresslevel=6))


@functools.cache
def _template() -> str:
    return TEMPLATE.read_text()


def page(endpoint: str) -> HTMLResponse:
    """The GraphiQL page, talking to the GraphQL API at ``endpoint`` (a path on this origin)."""
    text = _template().replace("{{static}}", static_path()).replace("{{endpoint}}", html.escape(endpoint))
    return HTMLResponse(text, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"})
