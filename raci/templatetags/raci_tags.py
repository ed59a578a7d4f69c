from __future__ import annotations

from html import escape

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from frameworks.schemes import Scheme

register = template.Library()


@register.filter
def slashed(letters: str) -> str:
    """ "AR" -> "A/R", the way people write combined letters."""
    return "/".join(letters)


@register.filter
def letter_names(letters: str, scheme: Scheme) -> str:
    """ "AR" -> "Accountable and Responsible"; empty -> "empty"."""
    names = [scheme.letter(code).name for code in letters if code in scheme.codes]
    if not names:
        return "empty"
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def editor_cell(task, cell, scheme: Scheme, can_edit: bool, state: str = "", message: str = ""):
    """One editor cell as HTML. Built in Python rather than with template tags: a 200 x 20 matrix has
    4,000 of them, and this keeps the page inside its render budget (bench/bench_editor.py). Every
    value is escaped with ``html.escape``; the htmx answer to a cell edit uses the same function, so
    both always produce the same markup."""
    letters = cell.letters
    code = escape(cell.role.code)
    classes = "cell"
    if letters:
        classes += " filled"
        if letters[0] == scheme.accountable:
            classes += " has-accountable"
    label = escape(f"{task.name}, {cell.role.code}: {letter_names(letters, scheme)}")
    shown = escape(slashed(letters))
    state_attr = f' data-state="{escape(state)}"' if state else ""
    if can_edit:
        title = f' title="{escape(message)}"' if message and state != "saved" else ""
        inner = (
            f'<button type="button" id="btn-{task.id}-{code}" class="cell-btn" tabindex="-1" '
            f'aria-label="{label}"{title}>{shown}</button>'
        )
    else:
        inner = f'<span aria-label="{label}">{shown}</span>'
    return mark_safe(
        f'<td id="cell-{task.id}-{code}" class="{classes}" data-task="{task.id}" data-role="{code}" '
        f'data-letters="{escape(letters)}"{state_attr}>{inner}</td>'
    )


@register.simple_tag
def editor_badge(task, badge, oob: bool = False):
    """A row's findings badge: the count, the worst severity, and the messages for screen readers."""
    swap = mark_safe(' hx-swap-oob="true"') if oob else ""
    inner = ""
    if badge.count:
        inner = format_html(
            '<span class="badge {}" title="{}">{}<span class="visually-hidden"> finding{}: {}</span></span>',
            badge.severity,
            " · ".join(badge.messages),
            badge.count,
            "" if badge.count == 1 else "s",
            "; ".join(badge.messages),
        )
    return format_html('<span id="badge-{}" class="row-badge"{}>{}</span>', task.id, swap, inner)


@register.simple_tag(takes_context=True)
def editor_row_head(context, task, badge, can_edit: bool):
    """The row header of the editor: task name, findings badge and, for editors, the row's actions."""
    name = format_html('<span class="task-name">{}</span> {}', task.name, editor_badge(task, badge))
    if not can_edit:
        return name
    org_slug, matrix_id = context["organization"].slug, context["matrix"].pk
    actions = format_html(
        '<span class="row-actions"><a href="{}" aria-label="Edit {}">Edit</a> '
        '<form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="link" name="direction" value="up" aria-label="Move {} up">↑</button>'
        '<button class="link" name="direction" value="down" aria-label="Move {} down">↓</button>'
        "</form></span>",
        reverse("task-edit", args=[org_slug, matrix_id, task.id]),
        task.name,
        reverse("task-move", args=[org_slug, matrix_id, task.id]),
        context.get("csrf_token", ""),
        task.name,
        task.name,
    )
    return format_html("{} {}", name, actions)
