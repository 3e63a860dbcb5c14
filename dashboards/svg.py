"""Bar charts drawn on the server as SVG: no script (the CSP forbids inline script and we
ship no charting library), readable by screen readers through <title>/<desc> and the data
table printed beside every chart."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ROW_HEIGHT = 28
LABEL_WIDTH = 170
BAR_WIDTH = 360
VALUE_WIDTH = 130


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    text: str  # the value as people read it ("$12,000,000.00", "14")


def bar_chart(bars: list[Bar], *, title: str, description: str, chart_id: str) -> SafeString:
    """A horizontal bar chart; an empty list draws nothing."""
    if not bars:
        return SafeString("")
    top = max((b.value for b in bars), default=0) or 1
    height = ROW_HEIGHT * len(bars) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = []
    for i, bar in enumerate(bars):
        y = 4 + i * ROW_HEIGHT
        length = max(2, int(BAR_WIDTH * (bar.value / top))) if bar.value else 0
        rows.append((y + 18, bar.label, LABEL_WIDTH, y + 4, length, LABEL_WIDTH + length + 6, y + 18, bar.text))
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="18" class="chart-bar"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        chart_id, width, height, title, description, body,
    )
