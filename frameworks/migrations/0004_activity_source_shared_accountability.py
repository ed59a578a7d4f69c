from django.db import migrations, models

import orgs.validators


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0003_drop_duplicate_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="source",
            field=models.CharField(
                blank=True, max_length=300, validators=[orgs.validators.validate_single_line]
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="shared_accountability",
            field=models.BooleanField(default=False),
        ),
    ]
