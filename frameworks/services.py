"""Writes to the framework library: loading the built-in frameworks from data files.

Loading is idempotent: a framework is matched by slug, its stages by name and its
activities by name within their stage; what is unchanged is not written again, what
the file no longer has is removed. Matrices keep their copies of activities, so
updating the library never changes an organization's matrix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from frameworks.models import Activity, Framework, Stage
from frameworks.schemes import LettersError, get_scheme
from orgs.validators import split_pairs_clean, validate_single_line

BUILTIN_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    slug: str
    created: bool
    changed: bool
    activities: int


def _clean_letters(scheme_key: str, where: str, letters: dict[str, str]) -> dict[str, str]:
    scheme = get_scheme(scheme_key)
    cleaned: dict[str, str] = {}
    for code, raw in letters.items():
        try:
            value = scheme.normalize(raw)
        except LettersError as exc:
            raise ValidationError(f"{where}, role {code}: {exc}") from None
        if value:
            cleaned[code] = value
    return cleaned


def _validated(obj: Stage | Activity, where: str, *, parent: str) -> Stage | Activity:
    """``obj``, new, after its field validators (names on one line, no control characters, lengths).
    Its ``parent`` foreign key is the row just saved, so it is not looked up again."""
    try:
        obj.clean_fields(exclude=[parent])
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
        raise ValidationError(f"{where}: {problems}") from None
    return obj


def _update(obj, values: dict[str, Any]) -> bool:
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.full_clean()
        obj.save(update_fields=changed)
    return bool(changed)


@transaction.atomic
def framework_load(*, data: dict[str, Any], organization=None) -> LoadResult:
    """Create or update one framework from its data-file form (see frameworks/data/)."""
    try:
        slug = data["slug"]
        scheme_key = data.get("scheme", "RACI")
        get_scheme(scheme_key)
        values = {
            "name": data["name"],
            "summary": data.get("summary", ""),
            "scheme": scheme_key,
            "version": int(data.get("version", 1)),
            "organization": organization,
            "role_names": {r["code"]: r["name"] for r in data.get("roles", [])},
        }
        stages = data["stages"]
    except (KeyError, TypeError, ValueError, LettersError) as exc:
        raise ValidationError(f"Framework data is malformed: {exc}") from None
    try:
        values["split_pairs"] = split_pairs_clean(data.get("split_pairs", []))
    except ValidationError as exc:
        raise ValidationError(f"{slug}, split_pairs: {exc.messages[0]}") from None
    for code, role_name in values["role_names"].items():
        try:
            validate_single_line(str(code))
            validate_single_line(str(role_name))
        except ValidationError as exc:
            raise ValidationError(f"{slug}, role {code!r}: {exc.messages[0]}") from None

    framework = Framework.objects.filter(slug=slug).first()
    created = framework is None
    if created:
        framework = Framework(slug=slug, **values)
        framework.full_clean()
        framework.save()
        changed = True
    else:
        changed = _update(framework, values)

    existing_stages = {s.name: s for s in framework.stages.all()}
    existing_activities = {
        (a.stage.name, a.name): a
        for a in Activity.objects.filter(stage__framework=framework).select_related("stage")
    }
    kept_stages: set[str] = set()
    kept_activities: set[tuple[str, str]] = set()
    count = 0
    for stage_order, stage_data in enumerate(stages):
        stage_values = {"description": stage_data.get("description", ""), "order": stage_order}
        stage = existing_stages.get(stage_data["name"])
        if stage is None:
            stage = Stage(framework=framework, name=stage_data["name"], **stage_values)
            _validated(stage, f"{slug}, stage {stage.name!r}", parent="framework").save()
            changed = True
        else:
            changed |= _update(stage, stage_values)
        kept_stages.add(stage.name)
        for order, activity_data in enumerate(stage_data.get("activities", [])):
            where = f"{slug} / {stage.name} / {activity_data['name']}"
            activity_values = {
                "description": activity_data.get("description", ""),
                "order": order,
                "suggested_letters": _clean_letters(scheme_key, where, activity_data.get("letters", {})),
                "source": activity_data.get("source", ""),
                "shared_accountability": bool(activity_data.get("shared_accountability", False)),
            }
            key = (stage.name, activity_data["name"])
            activity = existing_activities.get(key)
            if activity is None:
                activity = Activity(stage=stage, name=activity_data["name"], **activity_values)
                location = f"{slug}, stage {stage.name!r}, activity {activity.name!r}"
                _validated(activity, location, parent="stage").save()
                changed = True
            else:
                changed |= _update(activity, activity_values)
            kept_activities.add(key)
            count += 1

    stale_activities = [a.pk for key, a in existing_activities.items() if key not in kept_activities]
    stale_stages = [s.pk for name, s in existing_stages.items() if name not in kept_stages]
    if stale_activities:
        Activity.objects.filter(pk__in=stale_activities).delete()
        changed = True
    if stale_stages:
        Stage.objects.filter(pk__in=stale_stages).delete()
        changed = True
    return LoadResult(slug=slug, created=created, changed=changed, activities=count)


def frameworks_load_builtin(*, directory: Path = BUILTIN_DIR) -> list[LoadResult]:
    """Load every built-in framework file; safe to run any number of times."""
    results = []
    for path in sorted(directory.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            results.append(framework_load(data=json.load(handle)))
    return results
