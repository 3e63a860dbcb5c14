"""Enumerations for two-step solicitations (white papers)."""

from django.db import models


class WhitePaperStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ENCOURAGED = "encouraged", "Encouraged"
    DISCOURAGED = "discouraged", "Discouraged"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WhitePaperDocumentKind(models.TextChoices):
    """One kind only (domain.md: one ``white_paper`` document); an enum so the API says so."""

    WHITE_PAPER = "white_paper", "White paper"


# domain.md: "one white_paper document of at most 10 pages".
MAX_PAGES = 10
