"""Errors on pages: a login redirect for a missing session, an HTML page for everything else."""

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from cspersona.exceptions import CsPersonaError, Unauthorized
from cspersona.web.templating import is_partial, render


async def render_error_page(request: Request, error: CsPersonaError) -> Response:
    """Send a visitor without a valid session to the login page; show other errors as a page."""
    if isinstance(error, Unauthorized):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = f"/login?next={quote(target, safe='')}"
        if is_partial(request):
            return Response(status_code=200, headers={"HX-Redirect": login})
        return RedirectResponse(login, status_code=303)
    return render(
        request, "error.html", {"message": error.message}, principal=None, status_code=error.status
    )
