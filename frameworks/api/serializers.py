from __future__ import annotations

from rest_framework import serializers

from frameworks.models import Activity, Framework, Stage


class ActivitySerializer(serializers.ModelSerializer):
    letters = serializers.DictField(source="suggested_letters", child=serializers.CharField())

    class Meta:
        model = Activity
        fields = ["id", "name", "description", "order", "letters", "source", "shared_accountability"]


class StageSerializer(serializers.ModelSerializer):
    activities = ActivitySerializer(many=True)

    class Meta:
        model = Stage
        fields = ["id", "name", "description", "order", "activities"]


class FrameworkSerializer(serializers.ModelSerializer):
    # None for built-in frameworks; allow_null documents that in the schema.
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    builtin = serializers.BooleanField(source="is_builtin", read_only=True)
    roles = serializers.DictField(source="role_names", child=serializers.CharField())
    split_pairs = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        read_only=True,
        help_text="Pairs of role codes that should be held by different people; adopting the framework "
        "makes them the matrix's own. Empty: the organization's pairs (or PM/PMM) apply.",
    )

    class Meta:
        model = Framework
        fields = [
            "slug", "name", "summary", "scheme", "version", "builtin", "organization", "roles", "split_pairs",
        ]  # fmt: skip


class FrameworkDetailSerializer(FrameworkSerializer):
    stages = StageSerializer(many=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "stages"]
