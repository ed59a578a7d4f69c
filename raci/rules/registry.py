"""The registry: rule functions by finding code, the one place the engine learns what to run.

Pure module. A rule is a function registered with a decorator; the entry it creates is its
catalogue entry (``findings.Rule``: code, default severity, scope, summary, thresholds)::

    @rule("task.silo", Severity.INFO, Scope.TASK, "Nobody is consulted or informed about a task.")
    def task_silo(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
        if task.consulted or task.informed:
            return ()
        return (Finding(code="task.silo", severity=Severity.INFO, task_id=task.id, ...),)

The function gets the evaluation's ``RuleContext`` and one subject of its scope (see
``findings.Scope``) and returns the findings it has about it, ``()`` when it has none. Rules
return tuples or lists rather than yield: a task rule runs once per task, and a generator per
call costs more than most rules.

``REGISTRY`` is the engine's registry; the rule modules (``cell_rules``, ``task_rules``,
``role_rules``, ``person_rules``) fill it when imported, so read it through ``catalogue``,
which imports them all. Tests build their own ``Registry`` (``REGISTRY.copy()`` plus a rule,
or a single rule) and pass it to ``engine.evaluate``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from raci.rules.findings import Finding, Rule, Scope, Severity

Check = Callable[..., Iterable[Finding]]
C = TypeVar("C", bound=Check)

# The catalogue lists matrix rules first, then cell, task, role and person rules: the order the engine
# has always listed them in. Within a scope, rules keep the order they were registered in.
SCOPE_ORDER: tuple[Scope, ...] = (Scope.MATRIX, Scope.CELL, Scope.TASK, Scope.ROLE, Scope.PERSON)


class Registry:
    """Rules by code, each code registered once, listed in catalogue order."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        for entry in rules:
            self.add(entry)

    def add(self, entry: Rule) -> Rule:
        """Register ``entry``; a code registered twice is a programming error."""
        if entry.code in self._rules:
            raise ValueError(f"Rule {entry.code!r} is already registered.")
        if entry.check is None:
            raise ValueError(f"Rule {entry.code!r} has no function to run.")
        self._rules[entry.code] = entry
        return entry

    def rule(
        self,
        code: str,
        severity: Severity,
        scope: Scope,
        summary: str,
        *,
        thresholds: Mapping[str, object] | None = None,
        empty_tasks: bool = False,
    ) -> Callable[[C], C]:
        """Decorator registering a rule function under ``code``; returns the function unchanged.

        ``thresholds`` maps the ``RuleSettings`` fields the rule reads to their defaults (a test
        checks they match); ``empty_tasks`` lets a task rule see tasks without letters.
        """

        def register(check: C) -> C:
            self.add(
                Rule(
                    code=code,
                    severity=severity,
                    summary=summary,
                    scope=scope,
                    thresholds=tuple((thresholds or {}).items()),
                    empty_tasks=empty_tasks,
                    check=check,
                )
            )
            return check

        return register

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule in catalogue order (see ``SCOPE_ORDER``)."""
        # sorted() is stable, so registration order holds within a scope.
        return tuple(sorted(self._rules.values(), key=lambda entry: SCOPE_ORDER.index(entry.scope)))

    def checks(self, scope: Scope, *, empty_tasks_only: bool = False) -> list[Check]:
        """The functions of ``scope``'s rules in catalogue order; with ``empty_tasks_only``, only
        those registered to run on tasks without letters too."""
        return [
            entry.check
            for entry in self.rules
            if entry.scope is scope
            and entry.check is not None
            and (entry.empty_tasks or not empty_tasks_only)
        ]

    def copy(self) -> Registry:
        """A registry with the same rules, to extend without touching this one."""
        return Registry(self._rules.values())

    def __getitem__(self, code: str) -> Rule:
        return self._rules[code]

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self._rules)


REGISTRY = Registry()
# The decorator rule modules use: ``@rule(code, severity, scope, summary)``.
rule = REGISTRY.rule
