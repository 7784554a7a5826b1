"""/docs: Swagger UI from the project's own static files (api/static/vendor/swagger-ui/).

FastAPI's default loads it from a public CDN, which leaves /docs blank on a closed
municipal network and needs a CSP exception. ReDoc is not offered: it would need a
second vendored bundle for the same document.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

VENDOR = "/static/vendor/swagger-ui"


def install(app: FastAPI) -> None:
    """Call with an app made with `docs_url=None, redoc_url=None`."""

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR}/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            oauth2_redirect_url=None,
            # No call to the public validator service for the "valid" badge.
            swagger_ui_parameters={"validatorUrl": None},
        )
