"""Translate between JSON and the matrix services; no business rules here."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from frameworks.models import Framework
from frameworks.schemes import scheme_choices
from orgs.validators import validate_multiline_text, validate_single_line
from raci.matrices.models import Matrix, Task

_TASK_DESCRIPTION_MAX_LENGTH = Task._meta.get_field("description").max_length


def _refuse_control_characters(data) -> None:
    """Refuse a control character (NUL included) in any key or text of ``data``, a JSON value that
    DRF does not validate field by field. Walked without recursion: the value may nest deeply."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                validate_single_line(item)
            except DjangoValidationError as error:
                raise serializers.ValidationError(f"{item!r}: {error.messages[0]}") from None


class MatrixSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    columns = serializers.SerializerMethodField()

    class Meta:
        model = Matrix
        fields = [
            "id", "name", "scheme", "status", "version", "framework", "team", "columns", "rule_settings",
            "review_interval_days", "created_at", "updated_at",
        ]  # fmt: skip
        extra_kwargs = {
            "team": {
                "help_text": "The team whose work this is (its columns name that team's people); "
                "null for the whole organization."
            }
        }

    def get_columns(self, matrix) -> list[str]:
        if "columns" in getattr(matrix, "_prefetched_objects_cache", {}):  # a list, prefetched once
            return [column.role.code for column in matrix.columns.all()]
        return list(matrix.columns.order_by("order", "id").values_list("role__code", flat=True))


class ColumnPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    active = serializers.BooleanField()


class MatrixWithPeopleSerializer(MatrixSerializer):
    people = serializers.DictField(
        child=ColumnPersonSerializer(many=True),
        read_only=True,
        help_text="Role code -> who does it in the matrix's team.",
    )

    class Meta(MatrixSerializer.Meta):
        fields = [*MatrixSerializer.Meta.fields, "people"]


class MatrixCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
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

    def validate_role_map(self, value: dict) -> dict:
        # DictField validates the values only; the keys are role codes too.
        _refuse_control_characters(list(value))
        for code in value:
            if len(code) > 16:
                raise serializers.ValidationError(f"{code[:16]}… is not a role code: at most 16 characters.")
        return value


class MatrixUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, validators=[validate_single_line])
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
    team = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text="The id of the team whose work this is; null for the whole organization.",
    )

    def validate_rule_settings(self, value: dict) -> dict:
        # Stored as given once the service has checked names and ranges; role codes in it
        # (split_pairs) are text, and PostgreSQL cannot store a NUL even inside JSON.
        _refuse_control_characters(value)
        return value


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "name", "stage", "description", "order", "archived"]


class TaskCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, validators=[validate_single_line])
    stage = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[validate_single_line]
    )
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=_TASK_DESCRIPTION_MAX_LENGTH,
        validators=[validate_multiline_text],
    )


class TaskUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    stage = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[validate_single_line]
    )
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=_TASK_DESCRIPTION_MAX_LENGTH,
        validators=[validate_multiline_text],
    )
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


class ShownSerializer(serializers.Serializer):
    """What a read shows: the draft, or a published revision."""

    shows = serializers.ChoiceField(
        choices=["draft", "revision"], help_text="`draft`, or `revision`: a published revision."
    )
    revision = serializers.IntegerField(
        allow_null=True, help_text="The revision's number; null for the draft."
    )
    version = serializers.IntegerField(help_text="The matrix version shown (a revision's: the one it froze).")
    published_at = serializers.DateTimeField(allow_null=True, help_text="When the revision was published.")


class GridSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    scheme = serializers.CharField()
    roles = GridRoleSerializer(many=True)
    tasks = GridTaskSerializer(many=True)
    cells = GridCellSerializer(many=True)
    # In the grid and the matrix export; a revision's own export (revisions/<n>/export/) has no `shows`.
    shows = ShownSerializer(required=False, help_text="What this document shows (`?revision=`).")


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
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Framework._meta.get_field("summary").max_length,
        validators=[validate_multiline_text],
    )


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX in the export layout.")
