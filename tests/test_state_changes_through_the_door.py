"""No lifecycle state changes outside the one door (dpa_funding.lifecycle.fire).

Scans the project's Python source (not tests, migrations or benches) for writes to any
registered lifecycle's state field: ``x.status = ...``, ``.update(status=...)``,
``setattr(x, "status", ...)``, ``bulk_update(..., ["status"])`` and ``__dict__`` writes.
Creating a row in its first state (``Model(status=...)``, ``objects.create(status=...)``)
is not a state change and is allowed.

A model that is not a lifecycle but has a field of the same name is listed in
``NOT_LIFECYCLE`` by file and variable name, with the reason.
"""

import ast
from pathlib import Path

from django.conf import settings

from dpa_funding import lifecycle

ROOT = Path(settings.BASE_DIR)
DOOR = ROOT / "dpa_funding" / "lifecycle.py"
SKIP_DIRS = {".venv", "tests", "migrations", "bench", "node_modules", "static", "templates", "docs", "scripts"}

# (path relative to the project root, variable name) -> why this write is not a lifecycle's.
NOT_LIFECYCLE = {
    ("webhooks/services.py", "delivery"): "WebhookDelivery.status is a delivery log, not a lifecycle",
    # Not declared as a lifecycle table (yet): membership invitations answered once.
    ("accounts/services.py", "invitation"): "Invitation.status is not a lifecycle table",
}


def state_fields() -> set[str]:
    return {lc.field for lc in lifecycle.all_lifecycles()}


def _name(node) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def violations(source: str, path: str, fields: set[str]) -> list[str]:
    """Each write to a state field in ``source``, as "path:line: what"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for t in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(t, ast.Attribute) and t.attr in fields:
                    if (path, _name(t.value)) not in NOT_LIFECYCLE:
                        found.append(f"{path}:{node.lineno}: assigns .{t.attr}")
                if (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Attribute)
                        and t.value.attr == "__dict__"
                        and not (isinstance(t.slice, ast.Constant) and t.slice.value not in fields)):
                    found.append(f"{path}:{node.lineno}: writes __dict__")
        if isinstance(node, ast.Call):
            func = node.func
            attr = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if attr == "update" and any(k.arg in fields for k in node.keywords):
                if (path, _name(func.value)) not in NOT_LIFECYCLE:
                    found.append(f"{path}:{node.lineno}: update({', '.join(k.arg for k in node.keywords if k.arg in fields)}=...)")
            if attr == "setattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                    and node.args[1].value in fields:
                found.append(f"{path}:{node.lineno}: setattr(..., {node.args[1].value!r})")
            if attr == "bulk_update":
                names = [e.value for a in node.args[1:2] if isinstance(a, (ast.List, ast.Tuple))
                         for e in a.elts if isinstance(e, ast.Constant)]
                names += [e.value for k in node.keywords if k.arg == "fields" and isinstance(k.value, (ast.List, ast.Tuple))
                          for e in k.value.elts if isinstance(e, ast.Constant)]
                if set(names) & fields:
                    found.append(f"{path}:{node.lineno}: bulk_update of a state field")
    return found


def project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if set(rel.parts[:-1]) & SKIP_DIRS or path == DOOR:
            continue
        yield rel.as_posix(), path.read_text()


def test_no_state_field_is_written_outside_the_door():
    fields = state_fields()
    assert {"status", "letter_status"} <= fields
    found = [v for rel, source in project_sources() for v in violations(source, rel, fields)]
    assert found == [], "State changes outside dpa_funding.lifecycle.fire:\n" + "\n".join(found)


def test_the_scan_catches_each_kind_of_write():
    """Planted writes, one per pattern, are each reported (the scan is not vacuous)."""
    planted = '''
app.status = "awarded"
award.letter_status = "ready"
a, award.status = 1, "accepted"
Application.objects.filter(pk=1).update(status="awarded")
setattr(app, "status", "withdrawn")
Award.objects.bulk_update(awards, ["status"])
app.__dict__["status"] = "x"
Application.objects.create(status="draft")  # creation: allowed
delivery.status = "failed"                   # not a lifecycle here? only in webhooks/services.py
'''
    found = violations(planted, "applications/services.py", {"status", "letter_status"})
    assert len(found) == 8, found
    allowed = violations("delivery.status = 'failed'\n", "webhooks/services.py", {"status"})
    assert allowed == []
