"""Finds what a strict Content-Security-Policy would block in an HTML document: inline
script, inline style, event-handler attributes and javascript: URLs."""

from html.parser import HTMLParser

# <script type="application/json"> (Django's json_script) is data, never executed.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster"}


class InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.urls: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style=...> inline style")
            if name in URL_ATTRIBUTES and value:
                self.urls.append(value)
                if value.strip().lower().startswith("javascript:"):
                    self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and "src" not in attributes:
            if (attributes.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
                self.problems.append("inline <script>")

    handle_startendtag = handle_starttag


def audit(html: str) -> InlineCodeFinder:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder
