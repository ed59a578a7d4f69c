from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0004_activity_source_shared_accountability"),
    ]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="split_pairs",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
