import django.db.models
from django.db import migrations

import orgs.validators


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0006_invitations'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='title',
            field=django.db.models.CharField(blank=True, max_length=120, validators=[orgs.validators.validate_single_line]),
        ),
    ]
