"""Share link pages: the owners' page of a matrix's links, and the shared page itself.

The shared page needs no account: the token in its URL is the only thing checked, and it grants
that page only (no session, no cookie, no link to anything else). It tells search engines not
to index it (header and meta tag), and an unknown, revoked or expired link gets the same 404.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from orgs.access import Need
from orgs.forms import add_service_errors
from raci.matrices.shortcuts import matrix_for_page
from raci.sharing.forms import ShareLinkForm
from raci.sharing.models import ShareLink
from raci.sharing.selectors import shared_matrix_get
from raci.sharing.services import share_link_create, share_link_open, share_link_revoke

NOINDEX = "noindex, nofollow"


def _private(response: HttpResponse) -> HttpResponse:
    """No index, no cache, no referrer: the token stays between the owner and the reader."""
    response["X-Robots-Tag"] = NOINDEX
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


@require_safe
def shared_matrix(request: HttpRequest, token: str) -> HttpResponse:
    # A HEAD (link previews, uptime checks) answers like a GET but is not a use.
    link = share_link_open(token=token, count=request.method == "GET")
    if link is None:
        return _private(render(request, "sharing/gone.html", status=404))
    return _private(render(request, "sharing/shared_matrix.html", {"shared": shared_matrix_get(link=link)}))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_links(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Owners list, make and revoke a matrix's share links; a new link is shown once."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.OWN)
    form = ShareLinkForm(request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        try:
            _, token = share_link_create(
                matrix=matrix,
                name=form.cleaned_data["name"],
                expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
                created_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            new_url = request.build_absolute_uri(reverse("shared-matrix", args=[token]))
            form = ShareLinkForm()
    links = list(matrix.share_links.all())
    now = timezone.now()
    response = render(
        request,
        "sharing/share_links.html",
        {
            "organization": access.organization,
            "access": access,
            "matrix": matrix,
            "page": "share",
            "form": form,
            "links": [(link, link.state(now)) for link in links],
            "new_url": new_url,
        },
        status=400 if form.errors else 200,
    )
    if new_url:
        add_never_cache_headers(response)  # the link is in this response only
    return response


@login_required
@require_POST
def share_link_revoke_page(request: HttpRequest, org_slug: str, matrix_id: int, link_id: int) -> HttpResponse:
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.OWN)
    link = get_object_or_404(ShareLink, pk=link_id, matrix=matrix)
    share_link_revoke(link=link)
    messages.success(request, f"“{link.name}” revoked: the link now answers “not found”.")
    return redirect("share-links", access.organization.slug, matrix.pk)
