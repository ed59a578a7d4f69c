"""Signals orgs sends to the apps above it, which orgs may not import.

``role_changing``: sent inside the transaction of a role's code change or deletion, with ``role``,
``old_code``, ``new_code`` (``None`` when the role is deleted, sent before the deletion so the
role's columns and cells still exist), ``acting_user`` and ``channel`` ("web", "api", "system").
The matrices app records, through its one writer, what that does to each matrix showing the role;
an exception from a receiver rolls the role change back.

``team_merging``: sent inside ``orgs.teams.team_merge``'s transaction, before the merged team is
deleted, with ``source`` and ``target``. What other apps keep per team (raci's chat channels) moves
to ``target`` there; deleting a team they still point at is refused instead (their keys RESTRICT).

``rule_settings_changed``: sent inside the transaction that changed an organization's rule settings
(its split pairs), with ``organization``. The matrices app recomputes the stored health of the
organization's matrices after the commit.
"""

from __future__ import annotations

from django.dispatch import Signal

role_changing = Signal()
team_merging = Signal()
rule_settings_changed = Signal()
