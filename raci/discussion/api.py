"""Discussion threads over the API: list and start threads on a matrix's tasks and cells, read one,
reply, resolve and reopen.

Access (orgs.access): members read; they comment if ``can_comment`` (editors and owners, viewers
when the organization allows it, else 403); editors and owners resolve and reopen; outsiders 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import valid_data
from orgs.validators import validate_multiline_text
from raci.discussion import selectors, services
from raci.discussion.models import COMMENT_MAX_LENGTH, Comment, Thread
from raci.matrices.api.base import MatrixScopedListView, MatrixScopedView
from raci.parsing import parse_id

NO_COMMENTS = "Viewers of this organization may read the discussion but not comment."


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(help_text="The author's username; null once removed.")

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at"]

    def get_author(self, comment) -> str | None:
        return comment.author.get_username() if comment.author_id else None


class ThreadTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ThreadSerializer(serializers.ModelSerializer):
    task = ThreadTaskSerializer(help_text="The task discussed.")
    role = serializers.SerializerMethodField(
        help_text="The column's role code for a cell's thread; null for the task's."
    )
    state = serializers.SerializerMethodField(help_text="open or resolved")
    created_by = serializers.SerializerMethodField()
    resolved_by = serializers.SerializerMethodField()
    resolved_revision = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The revision the resolution belongs to: the number the next publication took when the "
        "thread was resolved.",
    )
    comments = CommentSerializer(many=True, read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "task",
            "role",
            "state",
            "created_by",
            "created_at",
            "resolved_at",
            "resolved_by",
            "resolved_revision",
            "comments",
        ]

    def get_role(self, thread) -> str | None:
        return thread.role.code if thread.role_id else None

    def get_state(self, thread) -> str:
        return selectors.OPEN if thread.is_open else selectors.RESOLVED

    def get_created_by(self, thread) -> str | None:
        return thread.created_by.get_username() if thread.created_by_id else None

    def get_resolved_by(self, thread) -> str | None:
        return thread.resolved_by.get_username() if thread.resolved_by_id else None


def _body_field():
    return serializers.CharField(
        max_length=COMMENT_MAX_LENGTH,
        validators=[validate_multiline_text],
        help_text=f"The comment, 1 to {COMMENT_MAX_LENGTH:,} characters; @username mentions a member (and "
        "notifies them); mentioning anyone else is a 400. Stored as plain text and always shown escaped.",
    )


class CommentInputSerializer(serializers.Serializer):
    body = _body_field()


class ThreadInputSerializer(serializers.Serializer):
    task = serializers.IntegerField(min_value=1, max_value=10**18 - 1, help_text="The task's id.")
    role = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=16,
        help_text="A column's role code to discuss that cell; leave out for the task itself.",
    )
    body = _body_field()


class ThreadUpdateSerializer(serializers.Serializer):
    resolved = serializers.BooleanField(help_text="true resolves the thread, false reopens it.")


STATE_PARAMETER = OpenApiParameter(
    "state",
    OpenApiTypes.STR,
    enum=list(selectors.STATES),
    description="Which threads: open (default), resolved or all.",
)
TASK_PARAMETER = OpenApiParameter("task", OpenApiTypes.INT, description="Only the threads on this task.")
ROLE_PARAMETER = OpenApiParameter(
    "role", OpenApiTypes.STR, description="With `task`: only that cell's threads (a role code)."
)

THREAD_EXAMPLE = OpenApiExample(
    "On a cell",
    value={"task": 12, "role": "PM", "body": "Should @chloe be Accountable here rather than PM?"},
    request_only=True,
)


def _may_comment(view) -> None:
    if not view.access.can_comment:
        raise PermissionDenied(NO_COMMENTS)


class ThreadList(MatrixScopedListView):
    serializer_class = ThreadSerializer
    read_need = Need.VIEW
    # Commenting rights are checked in ``post`` (viewers may, if the organization allows).
    write_need = Need.VIEW

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Thread.objects.none()
        params = self.request.query_params
        state = params.get("state", selectors.OPEN)
        if state not in selectors.STATES:
            raise ApiValidationError({"state": [f"Choose one of {', '.join(selectors.STATES)}."]})
        task_id = None
        if "task" in params:
            task_id = parse_id(params["task"])
            if task_id is None:
                raise ApiValidationError({"task": ["Give a task id."]})
        role = params.get("role") or None
        return selectors.threads_filtered(matrix=self.matrix, state=state, task_id=task_id, role_code=role)

    @extend_schema(parameters=[STATE_PARAMETER, TASK_PARAMETER, ROLE_PARAMETER])
    def get(self, request, *args, **kwargs):
        """The matrix's discussion threads, newest first, each with its comments."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ThreadInputSerializer, responses={201: ThreadSerializer}, examples=[THREAD_EXAMPLE]
    )
    def post(self, request, org_slug, matrix_id):
        """Start a thread on a task, or on one of its cells (``role``), with its first comment."""
        _may_comment(self)
        data = valid_data(ThreadInputSerializer, request)
        thread = services.thread_start(
            matrix=self.matrix,
            task_id=data["task"],
            role_code=data.get("role"),
            body=data["body"],
            author=request.user,
        )
        thread = selectors.thread_get(matrix=self.matrix, thread_id=thread.pk)
        return Response(ThreadSerializer(thread).data, status=status.HTTP_201_CREATED)


class ThreadDetail(MatrixScopedView):
    serializer_class = ThreadSerializer
    read_need = Need.VIEW
    write_need = Need.EDIT

    def get_object(self):
        return selectors.thread_get(matrix=self.matrix, thread_id=self.kwargs["thread_id"])

    def get(self, request, org_slug, matrix_id, thread_id):
        return Response(ThreadSerializer(self.get_object()).data)

    @extend_schema(
        request=ThreadUpdateSerializer,
        responses=ThreadSerializer,
        examples=[OpenApiExample("Resolve", value={"resolved": True}, request_only=True)],
    )
    def patch(self, request, org_slug, matrix_id, thread_id):
        """Resolve (``{"resolved": true}``) or reopen (``false``) the thread. Editors and owners."""
        data = valid_data(ThreadUpdateSerializer, request)
        thread = self.get_object()
        if data["resolved"]:
            services.thread_resolve(thread=thread, user=request.user)
        else:
            services.thread_reopen(thread=thread, user=request.user)
        return Response(ThreadSerializer(self.get_object()).data)


class CommentList(MatrixScopedView):
    serializer_class = CommentSerializer
    read_need = Need.VIEW
    write_need = Need.VIEW

    @extend_schema(
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
        examples=[OpenApiExample("A reply", value={"body": "Agreed: @ben takes it."}, request_only=True)],
    )
    def post(self, request, org_slug, matrix_id, thread_id):
        """Reply in the thread (a resolved thread takes replies and stays resolved)."""
        thread = selectors.thread_get(matrix=self.matrix, thread_id=thread_id)
        _may_comment(self)
        data = valid_data(CommentInputSerializer, request)
        comment = services.comment_add(thread=thread, body=data["body"], author=request.user)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
