"""Owners as rows (issue 14): move each organization's single disclosure into one owner row.
A migration of its own, so the rows commit before 0006 alters the organization table."""

from decimal import Decimal

from django.db import migrations

COVERED = {"CN", "RU", "IR", "KP"}


def one_owner_row_each(apps, schema_editor):
    """Move the single disclosure (percent + countries) into one owner row per organization.

    The old data cannot say who held what, so the row is named for that and carries the whole
    percentage under one country: a covered-nation country when the list has one (so the
    foreign-entity-of-concern flag stays what it was: 25% or more with a covered country),
    else the first listed. The other countries stay in the row's name for the officer. An
    organization with no percentage or no country disclosed gets no row (nothing to carry).
    """
    Organization = apps.get_model("accounts", "Organization")
    Owner = apps.get_model("accounts", "Owner")
    rows = []
    for org in Organization.objects.all().only("id", "foreign_ownership_percent", "foreign_owner_countries"):
        countries = [c for c in (org.foreign_owner_countries or []) if isinstance(c, str) and c]
        percent = org.foreign_ownership_percent or Decimal("0")
        if not countries or percent <= 0:
            continue
        country = next((c for c in countries if c in COVERED), countries[0])
        rows.append(Owner(
            organization_id=org.pk, country=country, percent=percent, government_controlled=False,
            name=f"Foreign owners ({', '.join(countries)}), disclosed before per-owner records"[:200],
        ))
    Owner.objects.bulk_create(rows, batch_size=1000)


def back_to_single_disclosure(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    Owner = apps.get_model("accounts", "Owner")
    for org in Organization.objects.all():
        owners = [o for o in Owner.objects.filter(organization_id=org.pk).order_by("id") if o.country != "US"]
        org.foreign_ownership_percent = min(sum((o.percent for o in owners), Decimal("0")), Decimal("100"))
        org.foreign_owner_countries = list(dict.fromkeys(o.country for o in owners))
        org.save(update_fields=["foreign_ownership_percent", "foreign_owner_countries"])



class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_owner'),
    ]

    operations = [
        migrations.RunPython(one_owner_row_each, back_to_single_disclosure),
    ]
