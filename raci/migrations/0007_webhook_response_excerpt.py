# Webhooks: the owner's opt-in to keep an excerpt of each answer, where it is kept, and the removal of
# the answers' bodies earlier attempts kept in their error ("HTTP 500 <reason>: <body>").

from http import HTTPStatus

from django.db import migrations, models


def errors_without_answers(apps, schema_editor):
    """Rewrite the error of every earlier attempt answered 4xx/5xx to the standard phrase, as the
    sender now writes it: neither the receiver's body nor its reason phrase stays in the log."""
    WebhookAttempt = apps.get_model("raci", "WebhookAttempt")
    codes = (
        WebhookAttempt.objects.filter(status_code__gte=400)
        .order_by()
        .values_list("status_code", flat=True)
        .distinct()
    )
    for code in list(codes):
        try:
            status = f"HTTP {code} {HTTPStatus(code).phrase}"
        except ValueError:
            status = f"HTTP {code}"
        WebhookAttempt.objects.filter(status_code=code).exclude(error="").update(
            error=f"{status}: only a 2xx answer counts as delivered."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("raci", "0006_published_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookattempt",
            name="response_excerpt",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="log_response_excerpt",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(errors_without_answers, migrations.RunPython.noop, elidable=True),
    ]
