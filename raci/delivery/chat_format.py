"""Chat messages in each platform's own format: Slack Block Kit and Microsoft Teams Adaptive Cards.

Pure: a ``ChatNote`` (a title, a few lines, a link back to the page) in, the JSON body a Slack
incoming webhook or a Teams workflow webhook ("Post to a channel when a webhook request is
received") accepts out. Text from the organization (matrix and task names) is escaped for Slack's
mrkdwn (``&``, ``<``, ``>``) so a name cannot become a link or a mention; Adaptive Cards' TextBlock
markdown does not render HTML or mentions, and names are written as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

# Slack refuses a section text over 3,000 characters and a message over 50 blocks; a note stays short.
_SLACK_TEXT_MAX = 2900
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_VERSION = "1.4"
ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class ChatNote:
    title: str
    lines: tuple[str, ...]
    url: str
    link_text: str = "Open in RACI"


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(note: ChatNote) -> dict:
    """Blocks for a Slack incoming webhook; ``text`` is the notification's fallback."""
    body = "\n".join(f"• {slack_escape(line)}" for line in note.lines)[:_SLACK_TEXT_MAX]
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": note.title[:150], "emoji": False}}
    ]
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": body}})
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": note.link_text},
                    "url": note.url,
                }
            ],
        }
    )
    return {"text": note.title, "blocks": blocks}


def teams_message(note: ChatNote) -> dict:
    """A message with one Adaptive Card, as Teams workflow webhooks expect."""
    body: list[dict] = [
        {"type": "TextBlock", "text": note.title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    body += [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "Small"} for line in note.lines]
    card = {
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": ADAPTIVE_CARD_VERSION,
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": note.link_text, "url": note.url}],
    }
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }


def chat_body(platform: str, note: ChatNote) -> dict:
    return slack_message(note) if platform == "slack" else teams_message(note)
