from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0010_reminder_setting"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="rule_settings",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
