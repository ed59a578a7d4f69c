"""``GET /api/v1/me/responsibilities/``: "my responsibilities" for scripts and other systems.

Not organization-scoped: it reads the caller's own people in the organizations they belong to
(``raci.insights.me.my_responsibilities`` starts from ``organizations_for``), so there is no
``org_slug`` to resolve. Token (read-only tokens too) or session, like the rest of the API.

The serializers below document the answer; the view returns the selector's ``to_dict()``
directly (serializing thousands of tasks field by field would cost more than the read).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from raci.insights.me import (
    CHANGED,
    GAINED,
    LOST,
    MATRICES_PER_PAGE,
    NEVER_ACKNOWLEDGED,
    OUTDATED,
    UP_TO_DATE,
    my_responsibilities,
)
from raci.insights.selectors import CursorInvalid


class HeldLettersSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="Role code.")
    letters = serializers.CharField()
    words = serializers.CharField(
        help_text='The letters spelled out in the matrix\'s scheme: "Accountable, Responsible".'
    )


class CoOwnerSerializer(serializers.Serializer):
    role = serializers.CharField()
    letters = serializers.CharField()


class MyTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The task's id (as on the task page).")
    name = serializers.CharField()
    letters = serializers.CharField(
        help_text="The person's letters, all their roles together, in scheme order."
    )
    words = serializers.CharField()
    roles = HeldLettersSerializer(many=True, help_text="Per role the person holds on the task.")
    co_owners = CoOwnerSerializer(many=True, help_text="The other roles holding letters on the task.")
    change = serializers.ChoiceField(
        choices=[GAINED, CHANGED],
        allow_null=True,
        help_text="Set when the task changed for the person since the revision they last acknowledged.",
    )


class MyStageSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    tasks = MyTaskSerializer(many=True)


class TaskRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LetterChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[GAINED, CHANGED, LOST])
    task = TaskRefSerializer()
    stage = serializers.CharField(allow_blank=True)
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField(allow_blank=True)


class ChangesSerializer(serializers.Serializer):
    since_revision = serializers.IntegerField(help_text="The revision the person last acknowledged.")
    gained = LetterChangeSerializer(many=True)
    changed = LetterChangeSerializer(many=True)
    lost = LetterChangeSerializer(many=True)


class AcknowledgedSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    at = serializers.DateTimeField()


class MyMatrixSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    scheme = serializers.CharField()
    revision = serializers.IntegerField(help_text="The latest published revision, whose letters are shown.")
    published_at = serializers.DateTimeField()
    acknowledged = AcknowledgedSerializer(
        allow_null=True, help_text="The latest revision the person acknowledged; null if never."
    )
    standing = serializers.ChoiceField(choices=[NEVER_ACKNOWLEDGED, UP_TO_DATE, OUTDATED])
    acknowledgement_pending = serializers.BooleanField()
    task_count = serializers.IntegerField()
    letter_counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Tasks per letter the person holds: {letter: count}."
    )
    changes = ChangesSerializer(
        allow_null=True,
        help_text="Only when the person last acknowledged an older revision; never acknowledged means "
        "everything is new to them (null here).",
    )
    stages = MyStageSerializer(many=True)


class PersonRoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MyPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    active = serializers.BooleanField()
    roles = PersonRoleSerializer(many=True)


class MatrixRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PendingSignOffSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Decide it with POST .../revisions/{revision}/signoffs/{id}/.")
    matrix = MatrixRefSerializer()
    revision = serializers.IntegerField()


class MyOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    person = MyPersonSerializer(help_text="The person linked to your account in this organization.")
    matrices = MyMatrixSerializer(many=True)
    pending_signoffs = PendingSignOffSerializer(many=True)


class UnlinkedOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    owners = serializers.ListField(
        child=serializers.CharField(), help_text="Who can link a person to your account (People settings)."
    )


class PendingCountsSerializer(serializers.Serializer):
    acknowledgements = serializers.IntegerField()
    signoffs = serializers.IntegerField()


class PendingAcknowledgementSerializer(serializers.Serializer):
    organization = serializers.CharField(help_text="The organization's slug.")
    matrix = MatrixRefSerializer()
    revision = serializers.IntegerField(help_text="The latest published revision, waiting for you.")
    standing = serializers.ChoiceField(choices=[NEVER_ACKNOWLEDGED, OUTDATED])
    acknowledged_revision = serializers.IntegerField(
        allow_null=True, help_text="The revision you last acknowledged; null if never."
    )


class MyResponsibilitiesSerializer(serializers.Serializer):
    linked = serializers.BooleanField(help_text="Whether any person is linked to your account.")
    next = serializers.URLField(allow_null=True, help_text="The next page of matrices; null on the last.")
    previous = serializers.URLField(
        allow_null=True, help_text="The previous page of matrices; null on the first."
    )
    matrix_count = serializers.IntegerField(help_text="Matrices on every page together.")
    pending = PendingCountsSerializer(help_text="Across every page.")
    pending_acknowledgements = PendingAcknowledgementSerializer(
        many=True,
        help_text="Every matrix whose latest revision waits for your acknowledgement, on this page or not.",
    )
    organizations = MyOrganizationSerializer(
        many=True,
        help_text=f"The organizations with a matrix on this page (at most {MATRICES_PER_PAGE} matrices a "
        "page; the first page also lists those where you hold nothing), each with its matrices on this page.",
    )
    unlinked_organizations = UnlinkedOrganizationSerializer(
        many=True, help_text="Organizations you belong to where no person is linked to your account."
    )


EXAMPLE = {
    "linked": True,
    "next": "https://raci.example/api/v1/me/responsibilities/?cursor=WyJhIiwiQWNtZSBBbmFseXRpY3MiLDMsInByb2R1Y3Qgb3duZXJzaGlwIiw3XQ",
    "previous": None,
    "matrix_count": 8,
    "pending": {"acknowledgements": 1, "signoffs": 1},
    "pending_acknowledgements": [
        {
            "organization": "acme",
            "matrix": {"id": 7, "name": "Product ownership"},
            "revision": 3,
            "standing": OUTDATED,
            "acknowledged_revision": 2,
        }
    ],
    "organizations": [
        {
            "id": 3,
            "name": "Acme Analytics",
            "slug": "acme",
            "person": {
                "id": 12,
                "name": "Dana Demo",
                "active": True,
                "roles": [{"code": "PM", "name": "Product manager"}],
            },
            "matrices": [
                {
                    "id": 7,
                    "name": "Product ownership",
                    "scheme": "raci",
                    "revision": 3,
                    "published_at": "2026-03-02T09:30:00+00:00",
                    "acknowledged": {"revision": 2, "at": "2026-02-10T16:02:11+00:00"},
                    "standing": OUTDATED,
                    "acknowledgement_pending": True,
                    "task_count": 2,
                    "letter_counts": {"A": 1, "R": 1, "C": 1},
                    "changes": {
                        "since_revision": 2,
                        "gained": [
                            {
                                "kind": GAINED,
                                "task": {"id": 44, "name": "Roadmap"},
                                "stage": "Planning",
                                "before": "",
                                "after": "AR",
                            },
                        ],
                        "changed": [],
                        "lost": [
                            {
                                "kind": LOST,
                                "task": {"id": 45, "name": "Win/loss analysis"},
                                "stage": "Market",
                                "before": "I",
                                "after": "",
                            },
                        ],
                    },
                    "stages": [
                        {
                            "name": "Business",
                            "tasks": [
                                {
                                    "id": 41,
                                    "name": "Pricing",
                                    "letters": "C",
                                    "words": "Consulted",
                                    "roles": [{"role": "PM", "letters": "C", "words": "Consulted"}],
                                    "co_owners": [{"role": "PMM", "letters": "AR"}],
                                    "change": None,
                                }
                            ],
                        },
                        {
                            "name": "Planning",
                            "tasks": [
                                {
                                    "id": 44,
                                    "name": "Roadmap",
                                    "letters": "AR",
                                    "words": "Accountable, Responsible",
                                    "roles": [
                                        {"role": "PM", "letters": "AR", "words": "Accountable, Responsible"}
                                    ],
                                    "co_owners": [{"role": "ENG", "letters": "C"}],
                                    "change": GAINED,
                                }
                            ],
                        },
                    ],
                }
            ],
            "pending_signoffs": [{"id": 19, "matrix": {"id": 7, "name": "Product ownership"}, "revision": 3}],
        }
    ],
    "unlinked_organizations": [{"id": 5, "name": "Side project", "slug": "side", "owners": ["Sam Owner"]}],
}


class MyResponsibilitiesView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                description="The page after or before one: copy it from `next` or `previous`; omit for the "
                "first page. A cursor not made by the API is a 400.",
            )
        ],
        responses={200: MyResponsibilitiesSerializer},
        examples=[
            OpenApiExample("A person with a changed matrix and a sign-off", value=EXAMPLE, response_only=True)
        ],
    )
    def get(self, request):
        """What you are Accountable, Responsible, Consulted and Informed for, through the people linked
        to your account, across the published revisions of your organizations' matrices: grouped by
        organization, matrix and stage; what changed for you since the revision you last acknowledged;
        the acknowledgements and sign-offs waiting for you; and the organizations where no person is
        linked to your account yet (with the owners who can link one).

        Paginated by matrix, whole matrices only, at most five a page in the order organization name,
        matrix name: `next` and `previous` are the URLs of the pages around this one (null at either
        end). `pending` and `pending_acknowledgements` count every page."""
        try:
            me = my_responsibilities(request.user, cursor=request.query_params.get("cursor") or None)
        except CursorInvalid as error:
            raise ApiValidationError({"cursor": [str(error)]}) from error
        return Response(
            {"next": _page_url(request, me.next), "previous": _page_url(request, me.previous), **me.to_dict()}
        )


def _page_url(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
