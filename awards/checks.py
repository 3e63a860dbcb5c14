"""System checks for the awards app (``manage.py check``).

Registered by importing this module from ``AwardsConfig.ready()``.
"""

from django.core import checks


@checks.register(checks.Tags.compatibility)
def check_letter_harfbuzz(app_configs=None, **kwargs):
    """awards.W001: WeasyPrint cannot subset fonts with HarfBuzz (letters render slowly)."""
    from .letters import HARFBUZZ_FIX, harfbuzz_subset_problem

    problem = harfbuzz_subset_problem()
    if problem is None:
        return []
    return [checks.Warning(
        f"Award letters: {problem}",
        hint=HARFBUZZ_FIX,
        id="awards.W001",
    )]
