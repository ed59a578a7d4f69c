"""Request and response examples shown in the OpenAPI docs."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

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
            "shows": {"shows": "draft", "revision": None, "version": 17, "published_at": None},
        },
        response_only=True,
    ),
    OpenApiExample(
        "The published revision (?revision=published)",
        value={
            "id": 3,
            "name": "Product management and marketing",
            "version": 15,
            "scheme": "RACI",
            "roles": [
                {"id": 1, "code": "PM", "name": "Product manager"},
                {"id": 2, "code": "PMM", "name": "Product marketing manager"},
            ],
            "tasks": [{"id": 41, "name": "Pricing", "stage": "Business", "order": 7}],
            "cells": [{"task": 41, "role": "PM", "letters": "AR"}],
            "shows": {
                "shows": "revision",
                "revision": 4,
                "version": 15,
                "published_at": "2026-03-02T09:30:00+00:00",
            },
        },
        response_only=True,
    ),
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
