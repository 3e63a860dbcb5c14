# Owners as rows (issue 14): the owner table.

import accounts.validators
import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitations_ascii_usernames'),
    ]

    operations = [
        migrations.CreateModel(
            name='Owner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('country', models.CharField(help_text="ISO 3166-1 alpha-2 code of the owner's country.", max_length=2, validators=[accounts.validators.validate_owner_country])),
                ('percent', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('100'))])),
                ('government_controlled', models.BooleanField(default=False, help_text='Owned or controlled by a foreign government.')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='owners', to='accounts.organization')),
            ],
            options={
                'ordering': ['organization', 'id'],
            },
        ),
    ]
