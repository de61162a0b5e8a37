"""Static files: our own (CSS, scripts, vendored HTMX) and Plotly's bundle from its package."""

import importlib.util
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from cspersona.exceptions import NotFound

STATIC_DIR = Path(__file__).with_name("static")
PLOTLY_PATH = "/static/vendor/plotly.min.js"

router = APIRouter(include_in_schema=False)


def static_files() -> StaticFiles:
    """The app's own static folder, mounted at ``/static``."""
    return StaticFiles(directory=STATIC_DIR)


@lru_cache(maxsize=1)
def plotly_bundle() -> Path | None:
    """``plotly.min.js`` as the installed plotly package ships it (never a CDN); None if absent."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    bundle = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    return bundle if bundle.is_file() else None


@router.get(PLOTLY_PATH)
def plotly_js() -> FileResponse:
    """Serve Plotly's JavaScript bundle from the plotly package."""
    bundle = plotly_bundle()
    if bundle is None:
        raise NotFound("plotly.min.js is missing: reinstall the plotly package")
    return FileResponse(bundle, media_type="text/javascript")
