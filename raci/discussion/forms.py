"""The comment form of the discussion pages (the thread's task and column come from the URL)."""

from __future__ import annotations

from django import forms

from orgs.validators import validate_multiline_text
from raci.discussion.models import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mention a member with @username to notify them.",
        error_messages={"required": "Write something: a comment cannot be empty."},
    )
