"""The single disclosure's columns go: foreign percentage and countries are derived from owners."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_owners_from_single_disclosure'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='organization',
            name='foreign_owner_countries',
        ),
        migrations.RemoveField(
            model_name='organization',
            name='foreign_ownership_percent',
        ),
    ]
