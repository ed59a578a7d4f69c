"""Request examples of the organization endpoints, shown in the API docs."""

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
            "user": "ana",
        },
        description="`user` is the member account linked to the person: given by an owner, or linked "
        "automatically when exactly one member of the organization has the person's email.",
        response_only=True,
        status_codes=["201"],
    ),
]
PERSON_UPDATE = [
    OpenApiExample(
        "Link to a member's account (owners only)",
        value={"user": "ana"},
        description="One person per account in an organization; only members can be linked.",
        request_only=True,
    ),
    OpenApiExample("Unlink (owners only)", value={"user": None}, request_only=True),
    OpenApiExample("Rename", value={"name": "Ana Alvarez-Brooks"}, request_only=True),
]
MEMBER_CREATE = [
    OpenApiExample("Add an editor", value={"username": "jo", "level": "editor"}, request_only=True)
]
PEOPLE_SYNC = [
    OpenApiExample(
        "The full list from HR",
        value={
            "people": [
                {
                    "name": "Ana Alvarez",
                    "email": "ana@acme.example",
                    "title": "Head of Product",
                    "roles": ["PM", "PMM"],
                    "active": True,
                },
                {"name": "Ben Okafor", "email": "ben@acme.example", "title": "", "roles": ["ENG"]},
            ]
        },
        request_only=True,
    ),
    OpenApiExample(
        "What changed",
        value={
            "dry_run": False,
            "created": [{"name": "Ben Okafor", "email": "ben@acme.example", "changes": []}],
            "updated": [{"name": "Ana Alvarez", "email": "ana@acme.example", "changes": ["title", "roles"]}],
            "deactivated": [{"name": "Cy Doe", "email": "cy@acme.example", "changes": ["active"]}],
            "unchanged": 41,
            "linked": [{"email": "ben@acme.example", "username": "ben"}],
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "Refused: nothing written",
        value={
            "error": {
                "code": "invalid",
                "message": "The list has 2 problems; nothing was changed.",
                "details": {
                    "people": [
                        {
                            "ref": 3,
                            "field": "roles",
                            "message": "No role SALES in this organization (roles: ENG, PM).",
                        },
                        {
                            "ref": 7,
                            "field": "email",
                            "message": "ana@acme.example is listed twice (first at position 0).",
                        },
                    ]
                },
            }
        },
        response_only=True,
        status_codes=["400"],
    ),
]
