"""Exports opened in spreadsheets: text that starts like a formula is neutralised."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Prefix applicant-entered text that a spreadsheet would run as a formula (CSV injection,
    OWASP) with an apostrophe, so Excel shows it as text."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value
