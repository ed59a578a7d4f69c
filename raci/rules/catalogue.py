"""The catalogue of rules: every finding code the engine can report, derived from the registry.

Pure module. Importing the rule modules is what registers their rules, so this module imports
them all and is where the engine, the API and the tests read the catalogue from. Codes are a
public contract (the API, the lint command and scripts filter on them): add codes, never
rename one.
"""

from __future__ import annotations

# Imported for their side effect: each registers its rules in REGISTRY (a new rule module goes here too).
from raci.rules import cell_rules, matrix_rules, person_rules, role_rules, task_rules  # noqa: F401
from raci.rules.findings import Rule
from raci.rules.registry import REGISTRY

# In catalogue order: matrix, cell, task, role, person rules, each in the order its module defines them.
RULES: tuple[Rule, ...] = REGISTRY.rules

RULES_BY_CODE: dict[str, Rule] = {entry.code: entry for entry in RULES}

__all__ = ("REGISTRY", "RULES", "RULES_BY_CODE")
