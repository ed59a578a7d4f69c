"""The DRF side of the one access policy (orgs.access).

Every organization-scoped endpoint derives from ``OrgScopedView``: before the
handler runs it resolves ``org_slug`` with ``require_org`` at the level the method
needs, so non-members get 404 and members below the level 403, and querysets start
from ``self.organization``.
"""

from __future__ import annotations

from rest_framework import generics, permissions

from orgs.access import Need, OrgAccess, require_org


class OrgScopedMixin:
    read_need: Need = Need.VIEW
    write_need: Need = Need.EDIT
    access: OrgAccess

    def need_for(self, request) -> Need:
        return self.read_need if request.method in permissions.SAFE_METHODS else self.write_need

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = require_org(request.user, kwargs["org_slug"], self.need_for(request))

    @property
    def organization(self):
        return self.access.organization


class OrgScopedView(OrgScopedMixin, generics.GenericAPIView):
    pass


class OrgScopedListView(OrgScopedMixin, generics.ListAPIView):
    """A paginated list within one organization; subclasses add ``post`` where they create."""


def valid_data(serializer_class, request, **kwargs) -> dict:
    """The request body validated by ``serializer_class``; a 400 in the one error shape otherwise."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
