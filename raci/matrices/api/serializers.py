"""Translate between JSON and the matrix services; no business rules here."""

from __future__ import annotations

from rest_framework import serializers

from frameworks.schemes import scheme_choices
from raci.matrices.models import Matrix, Task


class MatrixSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    columns = serializers.SerializerMethodField()

    class Meta:
        model = Matrix
        fields = [
            "id", "name", "scheme", "status", "version", "framework", "columns", "rule_settings",
            "review_interval_days", "created_at", "updated_at",
        ]  # fmt: skip

    def get_columns(self, matrix) -> list[str]:
        return [column.role.code for column in matrix.columns.all()]


class MatrixCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    framework = serializers.SlugField(required=False, help_text="Adopt this framework (slug).")
    scheme = serializers.ChoiceField(
        choices=scheme_choices(), required=False, help_text="For an empty matrix."
    )
    include = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=1000,
        help_text="Keep only these stages or activities (names or ids).",
    )
    role_map = serializers.DictField(
        child=serializers.CharField(max_length=16, allow_null=True, allow_blank=True),
        required=False,
        help_text='Framework role code -> organization role code, or null to leave it out: {"PM": "CEO"}.',
    )
    columns = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        max_length=500,
        help_text="Role codes, in order.",
    )
    status = serializers.ChoiceField(choices=Matrix.Status.choices, required=False)


class MatrixUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    status = serializers.ChoiceField(choices=Matrix.Status.choices, required=False)
    rule_settings = serializers.DictField(required=False)
    review_interval_days = serializers.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        help_text="Owners are reminded to review this long after publishing.",
    )
    columns = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        max_length=500,
        help_text="Role codes, in order.",
    )


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "name", "stage", "description", "order", "archived"]


class TaskCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    stage = serializers.CharField(max_length=120, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TaskUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    stage = serializers.CharField(max_length=120, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    archived = serializers.BooleanField(required=False)


class TaskReorderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=20_000)


class GridRoleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class GridTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    stage = serializers.CharField()
    order = serializers.IntegerField()


class GridCellSerializer(serializers.Serializer):
    task = serializers.IntegerField()
    role = serializers.CharField()
    letters = serializers.CharField(allow_blank=True)


class GridSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    scheme = serializers.CharField()
    roles = GridRoleSerializer(many=True)
    tasks = GridTaskSerializer(many=True)
    cells = GridCellSerializer(many=True)


class CellChangeSerializer(serializers.Serializer):
    task = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    role = serializers.CharField(max_length=16)
    expected = serializers.CharField(max_length=20, allow_blank=True, help_text="The letters you saw there.")
    letters = serializers.CharField(max_length=20, allow_blank=True, help_text='Letters to set; "" clears.')


class GridPatchSerializer(serializers.Serializer):
    changes = CellChangeSerializer(many=True, allow_empty=False, max_length=5000)


class GridPatchResultSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    cells = GridCellSerializer(many=True)


class AssignmentRowSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task_id")
    task_name = serializers.CharField(source="task.name")
    stage = serializers.CharField(source="task.stage")
    role = serializers.CharField(source="role.code")
    letters = serializers.CharField()


class SaveAsFrameworkSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=120)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX in the export layout.")
