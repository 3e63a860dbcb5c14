"""The floor for the list benchmarks: what the database and Python allow at best.

A bare WSGI app served by the same gunicorn: one hand-written SQL statement per request
(the page and the total count as two CTEs of one statement), the standard ``json`` module, and
the same fields the API's application list returns. No framework, no authentication: the
ratio app/floor is the price of everything Django, DRF and our code add.

    gunicorn bench.floor_app:application   (DATABASE_URL in the environment)
"""

import json
import os
from urllib.parse import parse_qs

import psycopg

BUDGET = ("personnel", "fringe", "travel", "equipment", "supplies", "contractual", "construction",
          "other", "indirect")
ORDERINGS = {
    "created_at": "a.created_at, a.id", "-created_at": "a.created_at DESC, a.id DESC",
    "submitted_at": "a.submitted_at, a.id", "-submitted_at": "a.submitted_at DESC, a.id DESC",
    "federal_amount_requested": "a.federal_amount_requested, a.id",
    "-federal_amount_requested": "a.federal_amount_requested DESC, a.id DESC",
}
_conn = None


def _connection():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1),
                                autocommit=True)
    return _conn


def _money(v):
    return None if v is None else f"{v:.2f}"


def _dt(v):
    return None if v is None else v.isoformat()


def application(environ, start_response):
    q = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    size = min(int(q.get("page_size", 25)), 100)
    page = int(q.get("page", 1))
    where, params = ["TRUE"], []
    if "status" in q:
        where.append("a.status = %s")
        params.append(q["status"])
    if "opportunity" in q:
        where.append("a.opportunity_id = %s")
        params.append(int(q["opportunity"]))
    if "state" in q:
        where.append("p.state = %s")
        params.append(q["state"])
    if "mineral" in q:
        where.append("EXISTS (SELECT 1 FROM applications_project_minerals pm "
                     "WHERE pm.project_id = a.project_id AND pm.mineral_id = %s)")
        params.append(int(q["mineral"]))
    order = ORDERINGS[q.get("ordering", "-created_at")]
    budget_cols = ", ".join(f"a.budget_{b}" for b in BUDGET)
    # One statement: the page (read in index order, LIMIT early) and the total count as two
    # CTEs, so the count never forces every joined row to be built and sorted.
    sql = f"""
        WITH filtered AS NOT MATERIALIZED (
            SELECT a.* FROM applications_application a
            JOIN applications_project p ON p.id = a.project_id
            WHERE {' AND '.join(where)}
        ), page AS (
            SELECT * FROM filtered a ORDER BY {order} LIMIT %s OFFSET %s
        ), total AS (SELECT count(*) AS n FROM filtered)
        SELECT a.id, a.opportunity_id, o.number, a.organization_id, g.legal_name, a.project_id, p.name,
               a.title, a.instrument, a.federal_amount_requested, a.cost_share_amount, a.period_start,
               a.period_end, a.summary, a.status, a.submitted_at, a.response_due_at, a.created_at,
               a.updated_at, {budget_cols}, total.n
        FROM page a
        JOIN applications_fundingopportunity o ON o.id = a.opportunity_id
        JOIN accounts_organization g ON g.id = a.organization_id
        JOIN applications_project p ON p.id = a.project_id
        CROSS JOIN total
        ORDER BY {order}"""
    rows = _connection().execute(sql, [*params, size, (page - 1) * size]).fetchall()
    results = []
    for r in rows:
        budget = {name: _money(v) for name, v in zip(BUDGET, r[19:28], strict=True)}
        results.append({
            "id": r[0], "opportunity": r[1], "opportunity_number": r[2], "organization": r[3],
            "organization_name": r[4], "project": r[5], "project_name": r[6], "title": r[7],
            "instrument": r[8], "federal_amount_requested": _money(r[9]), "cost_share_amount": _money(r[10]),
            "total_project_cost": _money(r[9] + r[10]), "period_start": _dt(r[11]), "period_end": _dt(r[12]),
            "summary": r[13], "budget": budget, "status": r[14], "submitted_at": _dt(r[15]),
            "response_due_at": _dt(r[16]), "created_at": _dt(r[17]), "updated_at": _dt(r[18]),
        })
    total = rows[0][-1] if rows else 0
    body = json.dumps({"count": total, "next": None, "previous": None, "results": results}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
