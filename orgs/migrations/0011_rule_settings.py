from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0008_teams"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="rule_settings",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
