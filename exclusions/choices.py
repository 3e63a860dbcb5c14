"""Enumerations for SAM exclusion checks."""

from django.db import models


class CheckResult(models.TextChoices):
    CLEAR = "clear", "No exclusion found"
    EXCLUDED = "excluded", "Excluded (UEI match)"
    POSSIBLE_MATCH = "possible_match", "Possible name match to clear"
    CLEARED = "cleared", "Name match cleared by an officer"
    NO_EXTRACT = "no_extract", "No current SAM extract"


class CheckOccasion(models.TextChoices):
    OFFICER = "officer", "Officer's check"
    SELECT = "select", "Selection"
    AWARD = "award", "Award"


class ExtractSource(models.TextChoices):
    COMMAND = "command", "manage.py import_sam_exclusions"
    FOLDER = "folder", "Scheduled folder import"
