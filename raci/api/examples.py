"""Request and response examples shown in the OpenAPI docs."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

ORG_CREATE = [
    OpenApiExample(
        "Create", value={"name": "Acme Analytics", "slug": "acme", "headcount": 40}, request_only=True
    ),
    OpenApiExample(
        "Created",
        value={
            "slug": "acme",
            "name": "Acme Analytics",
            "headcount": 40,
            "created_at": "2026-11-23T10:00:00Z",
            "access": "owner",
        },
        response_only=True,
        status_codes=["201"],
    ),
]
ROLE_CREATE = [
    OpenApiExample("Create", value={"code": "PM", "name": "Product manager"}, request_only=True),
    OpenApiExample(
        "Created",
        value={"id": 7, "code": "PM", "name": "Product manager", "description": "", "order": 0},
        response_only=True,
        status_codes=["201"],
    ),
]
PERSON_CREATE = [
    OpenApiExample(
        "Founder wearing both hats",
        value={"name": "Ana Alvarez", "email": "ana@acme.example", "roles": ["PM", "PMM"]},
        request_only=True,
    ),
    OpenApiExample(
        "Created",
        value={
            "id": 12,
            "name": "Ana Alvarez",
            "email": "ana@acme.example",
            "active": True,
            "roles": ["PM", "PMM"],
        },
        response_only=True,
        status_codes=["201"],
    ),
]
MEMBER_CREATE = [
    OpenApiExample("Add an editor", value={"username": "jo", "level": "editor"}, request_only=True)
]
MATRIX_CREATE = [
    OpenApiExample(
        "Adopt a framework",
        value={
            "name": "Product management and marketing",
            "framework": "pragmatic-pm-pmm",
            "include": ["Market", "Business", "Pricing"],
            "role_map": {"PMM": "MKT", "CS": None},
        },
        request_only=True,
    ),
    OpenApiExample(
        "Empty matrix",
        value={"name": "Decisions", "scheme": "DACI", "columns": ["PM", "ENG"]},
        request_only=True,
    ),
]
TASK_CREATE = [
    OpenApiExample("Add", value={"name": "Win/loss analysis", "stage": "Market"}, request_only=True)
]
GRID = [
    OpenApiExample(
        "Grid",
        value={
            "id": 3,
            "name": "Product management and marketing",
            "version": 17,
            "scheme": "RACI",
            "roles": [
                {"id": 1, "code": "PM", "name": "Product manager"},
                {"id": 2, "code": "PMM", "name": "Product marketing manager"},
            ],
            "tasks": [{"id": 41, "name": "Pricing", "stage": "Business", "order": 7}],
            "cells": [
                {"task": 41, "role": "PM", "letters": "A"},
                {"task": 41, "role": "PMM", "letters": "R"},
            ],
        },
        response_only=True,
    )
]
GRID_PATCH = [
    OpenApiExample(
        "Move Accountable for pricing to PMM",
        value={
            "changes": [
                {"task": 41, "role": "PM", "expected": "A", "letters": "C"},
                {"task": 41, "role": "PMM", "expected": "R", "letters": "A/R"},
            ]
        },
        request_only=True,
    ),
    OpenApiExample(
        "Applied",
        value={
            "version": 18,
            "cells": [
                {"task": 41, "role": "PM", "letters": "C"},
                {"task": 41, "role": "PMM", "letters": "AR"},
            ],
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "Someone else changed a cell first",
        value={
            "error": {
                "code": "conflict",
                "message": "Someone else changed these cells first; nothing was applied.",
                "details": {},
                "cells": [{"task": 41, "role": "PM", "expected": "A", "letters": "AR"}],
            }
        },
        response_only=True,
        status_codes=["409"],
    ),
]
FINDINGS = [
    OpenApiExample(
        "Findings",
        value={
            "version": 17,
            "health": 82,
            "counts": {"error": 1, "warning": 0, "info": 0},
            "findings": [
                {
                    "code": "task.multiple_accountable",
                    "severity": "error",
                    "message": "'Pricing' has two Accountable roles: PM and PMM — pick one.",
                    "hint": "Keep A (Accountable) on the one role that has the final word.",
                    "task_id": 41,
                    "role_code": None,
                    "person_id": None,
                }
            ],
        },
        response_only=True,
    )
]
WHAT_IF = [
    OpenApiExample(
        "Merge PMM into PM",
        value={"operations": [{"op": "merge_role", "source": "PMM", "target": "PM"}]},
        request_only=True,
    ),
    OpenApiExample(
        "Remove a person", value={"operations": [{"op": "remove_person", "person_id": 12}]}, request_only=True
    ),
]
IMPORT = [
    OpenApiExample(
        "Dry run",
        value={
            "dry_run": True,
            "applied": False,
            "version": 17,
            "changes": {
                "is_empty": False,
                "new_tasks": [{"line": 9, "name": "Partner program", "stage": "Programs"}],
                "renamed_tasks": [],
                "stage_changes": [],
                "cell_changes": [{"task": 41, "name": "Pricing", "role": "PMM", "old": "R", "new": "AR"}],
                "new_roles": [],
                "missing_tasks": [],
            },
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "Bad rows",
        value={
            "error": {
                "code": "invalid",
                "message": "The file has 1 problem; nothing was imported.",
                "details": {
                    "rows": [
                        {
                            "line": 4,
                            "column": "PM",
                            "message": "RACI has no letter X; use A, R, C or I.",
                        }
                    ]
                },
            }
        },
        response_only=True,
        status_codes=["400"],
    ),
]
