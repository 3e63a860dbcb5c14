"""End to end: one loan application from registration to an accepted award, through the
HTTP API only, as real clients drive it (token auth, JSON and multipart bodies).

The story is one test so each step starts from what the previous one really produced;
helpers keep each chapter readable. Every request runs with Celery eager and its on-commit
callbacks executed, so notifications, emails and the award letter happen as in production.
"""

import csv
import datetime as dt
import io
import re
import statistics
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from tests.factories import pdf_bytes
from tests.tokens import TEST_TOTP_SECRET, totp_code

pytestmark = pytest.mark.django_db

API = "/api/v1"
PASSWORD = "Lode-Star-Assay-2026!"
TODAY = timezone.localdate()
PERIOD_START = TODAY + dt.timedelta(days=120)
PERIOD_END = PERIOD_START + dt.timedelta(days=3 * 365)
FIRST_PAYMENT = PERIOD_START + dt.timedelta(days=90)

# Federal 8,000,000 + cost share 8,000,000 = 16,000,000 total project cost (50% share,
# minimum 40%); the SF-424A object classes below add up to the same 16,000,000.
BUDGET = {"personnel": "1200000.00", "fringe": "300000.00", "travel": "0.00", "equipment": "9000000.00",
          "supplies": "0.00", "contractual": "0.00", "construction": "5000000.00", "other": "0.00",
          "indirect": "500000.00"}
PRINCIPAL = Decimal("8000000.00")
SUBSIDY_RATE = Decimal("12.50")

# Scores per reviewer for the rubric [40, 30, 20, 10 (n/a allowed)]; None = n/a.
SCORES = {
    "rev_ada": [5, 4, 4, 3],
    "rev_ben": [4, 4, 3, None],
    "rev_cai": [3, 3, 3, 2],
}
# Review score = (m - 1) / 4 * 100, m the weighted mean over scored criteria:
#   ada: (40*5 + 30*4 + 20*4 + 10*3) / 100 = 430/100 = 4.30      -> 3.30/4*100 = 82.500
#   ben: (40*4 + 30*4 + 20*3) / 90 (n/a dropped) = 340/90 = 3.7778 -> 2.7778/4*100 = 69.444
#   cai: (40*3 + 30*3 + 20*3 + 10*2) / 100 = 290/100 = 2.90       -> 1.90/4*100 = 47.500
# mean_score = (82.500 + 69.444 + 47.500) / 3 = 199.444 / 3 = 66.481 -> 66.48
REVIEW_SCORES = {"rev_ada": "82.500", "rev_ben": "69.444", "rev_cai": "47.500"}
EXPECTED_MEAN = 66.48


# ---------------------------------------------------------------- plumbing


class Client:
    """A user's API client with a real token; every request runs its on-commit callbacks."""

    def __init__(self, username: str, capture, *, otp: str = ""):
        self.username = username
        self._capture = capture
        self.api = APIClient()
        response = self.api.post(f"{API}/auth/token/", {"username": username, "password": PASSWORD,
                                                         **({"otp": otp} if otp else {})},
                                 format="json")
        assert response.status_code == 200, response.content
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    def _call(self, method: str, path: str, data=None, *, expect: int, fmt="json", **extra):
        with self._capture(execute=True):
            response = getattr(self.api, method)(f"{API}{path}", data, format=fmt, **extra)
        assert response.status_code == expect, (method, path, response.status_code, response.content[:2000])
        return response

    def get(self, path, *, expect=200, **extra):
        return self._call("get", path, expect=expect, fmt=None, **extra)

    def post(self, path, data=None, *, expect=200, **extra):
        return self._call("post", path, data or {}, expect=expect, **extra)

    def put(self, path, data, *, expect=200):
        return self._call("put", path, data, expect=expect)

    def patch(self, path, data, *, expect=200):
        return self._call("patch", path, data, expect=expect)

    def upload(self, path, *, name, kind, expect=201):
        file = SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")
        return self._call("post", path, {"file": file, "kind": kind}, expect=expect, fmt="multipart")

    def transition(self, app_id, name, *, expect=200, **body):
        return self.post(f"/applications/{app_id}/transitions/{name}/", body, expect=expect)


def create_staff(username, role, *extra):
    """Staff enrol a second factor at creation; their sign-in sends its current code."""
    call_command("create_user", username, "--role", role, "--email", f"{username}@agency.example.gov",
                 "--password", PASSWORD, "--totp-secret", TEST_TOTP_SECRET, *extra, stdout=io.StringIO())


def results(response) -> list:
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}, body
    return body["results"]


# ---------------------------------------------------------------- chapters


def register_applicant(capture) -> Client:
    anonymous = APIClient()
    response = anonymous.post(f"{API}/auth/register/",
                              {"username": "maria", "email": "maria@nevada-lithium.example.com",
                               "password": PASSWORD}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "applicant"
    assert anonymous.get(f"{API}/auth/me/").status_code == 401
    maria = Client("maria", capture)
    me = maria.get("/auth/me/").json()
    assert me == {"id": me["id"], "username": "maria", "email": "maria@nevada-lithium.example.com",
                  "role": "applicant", "organizations": []}
    return maria


def create_organization_and_project(maria: Client) -> tuple[int, int, int]:
    org = maria.post("/organizations/", {
        "legal_name": "Nevada Lithium Refining LLC", "uei": "NVL1THREF2A9", "ein": "882345671",
        "cage_code": "7NV21", "naics_code": "331410", "address_line1": "1 Brine Flats Road",
        "city": "Silver Peak", "state": "NV", "postal_code": "89047", "congressional_district": "NV-004",
        "owners": [{"name": "Maple Leaf Holdings", "country": "CA", "percent": "10.00"}],
    }, expect=201).json()
    assert org["uei"] == "NVL1THREF2A9"
    assert "foreign_entity_of_concern" not in org  # officers only
    me = maria.get("/auth/me/").json()
    assert me["organizations"] == [{"id": org["id"], "legal_name": "Nevada Lithium Refining LLC",
                                    "member_role": "authorized_representative"}]

    minerals = results(maria.get("/minerals/?page_size=100"))
    by_name = {m["name"].lower(): m for m in minerals}
    lithium = by_name["lithium"]["id"]
    assert set(by_name["lithium"]) == {"id", "name", "symbol", "group", "usgs_2022", "usgs_2025", "eo_14241_named"}
    project = maria.post("/projects/", {
        "organization": org["id"], "name": "Clayton Valley Lithium Refinery", "facility_type": "refining",
        "stage": "construction", "minerals": [lithium], "state": "NV", "county": "Esmeralda",
        "latitude": "37.754000", "longitude": "-117.635000", "annual_capacity_tonnes": "20000.00",
        "on_military_installation": False, "description": "Battery-grade lithium carbonate.",
    }, expect=201).json()
    assert project["minerals"] == [lithium]
    return org["id"], project["id"], lithium


def create_opportunity(officer: Client, lithium: int) -> dict:
    now = timezone.now()
    opp = officer.post("/opportunities/", {
        "number": "FA8650-26-S-0042", "title": "Domestic lithium refining",
        "description": "DPA Title III support for battery-grade lithium.",
        "instruments": ["grant", "loan"], "opens_at": (now - dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=60)).isoformat(), "budget_ceiling": "50000000.00",
        "max_award": "10000000.00", "min_cost_share_percent": "40.00", "eligible_minerals": [lithium],
        "min_reviewers": 3, "credit_subsidy_rate_percent": str(SUBSIDY_RATE),
        "rubric": [
            {"name": "Technical merit", "description": "Process maturity.", "weight": 40},
            {"name": "Supply-chain impact", "description": "Domestic capacity.", "weight": 30},
            {"name": "Management and finances", "description": "Team and funding.", "weight": 20},
            {"name": "Community benefits", "description": "Jobs, environment.", "weight": 10, "allows_na": True},
        ],
    }, expect=201).json()
    assert [c["weight"] for c in opp["rubric"]] == [40, 30, 20, 10]
    assert all(isinstance(c["id"], int) for c in opp["rubric"])
    assert opp["min_reviewers"] == 3
    return opp


def create_application(maria: Client, opp_id: int, org_id: int, project_id: int) -> dict:
    app = maria.post("/applications/", {
        "opportunity": opp_id, "organization": org_id, "project": project_id,
        "title": "Clayton Valley refinery construction loan", "instrument": "loan",
        "federal_amount_requested": "8000000.00", "cost_share_amount": "8000000.00",
        "period_start": PERIOD_START.isoformat(), "period_end": PERIOD_END.isoformat(),
        "summary": "Build a 20,000 t/yr lithium carbonate refinery.", "budget": BUDGET,
    }, expect=201, HTTP_IDEMPOTENCY_KEY="create-app-1").json()
    assert app["status"] == "draft"
    assert app["budget"]["total"] == app["total_project_cost"] == "16000000.00"
    assert "submit" in app["available_transitions"]
    return app


def submit_with_documents(maria: Client, app_id: int) -> None:
    # Without documents, submit lists exactly the missing ones (everything else is in order).
    failed = maria.transition(app_id, "submit", expect=400).json()
    assert failed["code"] == "conditions_unmet"
    assert failed["unmet"] == ["Upload at least one technical report document.",
                               "Upload at least one budget justification document."]
    assert maria.get(f"/applications/{app_id}/").json()["status"] == "draft"

    docs = f"/applications/{app_id}/documents/"
    tech = maria.upload(docs, name="technical-report.pdf", kind="technical_report").json()
    just = maria.upload(docs, name="budget-justification.pdf", kind="budget_justification").json()
    assert tech["content_type"] == just["content_type"] == "application/pdf"
    assert sorted(d["kind"] for d in maria.get(docs).json()["results"]) == ["budget_justification", "technical_report"]

    app = maria.transition(app_id, "submit", comment="Submitted by the AOR.").json()
    assert app["status"] == "submitted" and app["submitted_at"]


def screen_with_one_revision(officer: Client, maria: Client, app_id: int) -> None:
    # An applicant may see the application but not fire an officer transition: 403.
    denied = maria.transition(app_id, "start_screening", expect=403).json()
    assert denied["code"] == "permission_denied"
    screened = officer.transition(app_id, "start_screening", comment="INTERNAL: check FOCI filing.").json()
    assert screened["status"] == "screening"
    assert maria.transition(app_id, "resubmit", expect=409).json()["code"] == "invalid_transition"

    due = timezone.now() + dt.timedelta(days=14)
    missing = officer.transition(app_id, "request_revision", comment="Clarify the offtake.", expect=400).json()
    assert missing["code"] == "conditions_unmet" and len(missing["unmet"]) == 1
    revision = officer.transition(app_id, "request_revision", comment="Please attach the offtake letter summary.",
                                  response_due_at=due.isoformat()).json()
    assert revision["status"] == "revision_requested"
    assert dt.datetime.fromisoformat(revision["response_due_at"]) == due

    patched = maria.patch(f"/applications/{app_id}/", {
        "summary": "Build a 20,000 t/yr lithium carbonate refinery; offtake with a US cell maker.",
    }).json()
    assert patched["summary"].endswith("US cell maker.")
    assert maria.transition(app_id, "resubmit", comment="Offtake added.").json()["status"] == "submitted"
    assert officer.patch(f"/applications/{app_id}/", {"summary": "x"}, expect=403).status_code == 403
    assert officer.transition(app_id, "start_screening").json()["status"] == "screening"


def assign_reviewers(officer: Client, app_id: int, reviewer_ids: dict[str, int]) -> dict[str, int]:
    due = (timezone.now() + dt.timedelta(days=21)).isoformat()
    assignments = {}
    for name, user_id in reviewer_ids.items():
        body = officer.post("/review-assignments/", {"application": app_id, "reviewer": user_id, "due_at": due},
                            expect=201).json()
        assert body["status"] == "pending_coi" and body["reviewer"]["id"] == user_id
        assignments[name] = body["id"]
    again = officer.post("/review-assignments/", {"application": app_id, "reviewer": reviewer_ids["rev_ada"],
                                                  "due_at": due}, expect=400).json()
    assert again["code"] == "invalid" and "reviewer" in again
    assert officer.transition(app_id, "open_review").json()["status"] == "under_review"
    return assignments


def run_merit_review(reviewers: dict[str, Client], assignments: dict[str, int], maria: Client,
                     app_id: int, criteria: list[int]) -> None:
    ada = reviewers["rev_ada"]
    # Before certifying no conflict, the application and its reviews do not exist for her.
    ada.get(f"/applications/{app_id}/", expect=404)
    ada.get(f"/applications/{app_id}/reviews/", expect=404)
    pending = ada.get(f"/review-assignments/{assignments['rev_ada']}/").json()
    assert pending["application_content"] is None

    for position, (name, client) in enumerate(reviewers.items(), 1):
        path = f"/review-assignments/{assignments[name]}/"
        active = client.post(f"{path}coi/", {"has_conflict": False, "statement": ""}).json()
        assert active["status"] == "active"
        assert active["application_content"]["title"] == "Clayton Valley refinery construction loan"
        scores = [{"criterion": c, "score": s, "comment": f"{name} on {c}"}
                  for c, s in zip(criteria, SCORES[name], strict=True)]
        saved = client.put(f"{path}scores/", {"scores": scores, "overall_comment": f"{name}: fundable."}).json()
        assert [s["score"] for s in saved["scores"]] == SCORES[name]

        # Blind phase: before submitting, no one else's review is visible (only her own draft).
        if name == "rev_ada":
            draft = results(ada.get(f"/applications/{app_id}/reviews/"))
            assert [(r["reviewer_label"], r["is_own"], r["status"]) for r in draft] == [
                ("Reviewer 1 (you)", True, "active")]
        maria.get(f"/applications/{app_id}/reviews/", expect=404)

        submitted = client.post(f"{path}submit/").json()
        assert submitted["status"] == "submitted" and submitted["score"] == REVIEW_SCORES[name]
        assert client.put(f"{path}scores/", {"scores": scores}, expect=409).json()["code"] == "invalid_transition"

        # After submitting: every submitted review, anonymized; never names.
        if name == "rev_ada":
            seen = results(ada.get(f"/applications/{app_id}/reviews/"))
            assert [r["reviewer_label"] for r in seen] == ["Reviewer 1 (you)"]
        status = maria.get(f"/applications/{app_id}/").json()["status"]
        assert status == ("reviewed" if position == 3 else "under_review")

    seen = results(ada.get(f"/applications/{app_id}/reviews/"))
    assert sorted(r["reviewer_label"] for r in seen) == ["Reviewer 1 (you)", "Reviewer 2", "Reviewer 3"]
    assert all(r["reviewer"] is None for r in seen)
    assert sorted(r["score"] for r in seen) == sorted(REVIEW_SCORES.values())
    assert "rev_ben" not in str([r["reviewer_label"] for r in seen])
    maria.get(f"/applications/{app_id}/reviews/", expect=404)


def check_ranking(officer: Client, maria: Client, opp_id: int, app_id: int) -> None:
    maria.get(f"/opportunities/{opp_id}/ranking/", expect=403)
    named = results(officer.get(f"/applications/{app_id}/reviews/"))
    assert {r["reviewer"]["username"]: r["score"] for r in named} == REVIEW_SCORES
    rows = results(officer.get(f"/opportunities/{opp_id}/ranking/"))
    assert len(rows) == 1
    row = rows[0]
    assert (row["rank"], row["application"], row["review_count"]) == (1, app_id, 3)
    assert row["mean_score"] == EXPECTED_MEAN
    spread = statistics.pstdev(float(s) for s in REVIEW_SCORES.values())  # ~14.44
    assert row["score_spread"] == round(spread, 2) and row["flagged"] is False
    # One review per reviewer: every z is 0, so the normalized score is the overall mean.
    assert row["normalized_score"] == EXPECTED_MEAN


def negotiate_and_award(officer: Client, app_id: int) -> dict:
    assert officer.transition(app_id, "select", comment="INTERNAL: top of the panel.").json()["status"] == "selected"
    assert officer.transition(app_id, "begin_negotiation").json()["status"] == "negotiation"
    terms = {
        "instrument": "loan", "federal_amount": "8000000.00", "cost_share_amount": "8000000.00",
        "period_start": PERIOD_START.isoformat(), "period_end": PERIOD_END.isoformat(),
        "conditions": ["Quarterly progress reports.", "NEPA review before construction."],
        "loan": {"principal": "8000000.00", "annual_rate_percent": "4.5000", "term_months": 120,
                 "grace_months": 12, "payment_frequency": "quarterly",
                 "first_payment_date": FIRST_PAYMENT.isoformat()},
    }
    saved = officer.put(f"/applications/{app_id}/terms/", terms).json()
    assert saved["version"] == 1
    assert saved["obligation"] == "1000000.00"  # 8,000,000 x 12.5%
    got = officer.get(f"/applications/{app_id}/terms/").json()
    preview = got["schedule_preview"]
    assert len(preview) == 40  # 120 months, quarterly
    assert [r["principal"] for r in preview[:4]] == ["0.00"] * 4  # 12 months interest-only
    assert preview[0]["interest"] == "90000.00"  # 8,000,000 x 4.5% / 4
    assert sum(Decimal(r["principal"]) for r in preview) == PRINCIPAL and preview[-1]["balance"] == "0.00"

    awarded = officer.transition(app_id, "award", comment="Award approved.").json()
    assert awarded["status"] == "awarded" and awarded["available_transitions"] == []
    return terms


def check_award(officer: Client, maria: Client, opp_id: int, app_id: int) -> dict:
    funds = officer.get(f"/opportunities/{opp_id}/funds/").json()
    obligated = (PRINCIPAL * SUBSIDY_RATE / 100).quantize(Decimal("0.01"))
    assert (funds["budget_ceiling"], funds["obligated"], funds["available"]) == (
        "50000000.00", f"{obligated}", f"{Decimal('50000000.00') - obligated}")
    maria.get(f"/opportunities/{opp_id}/funds/", expect=403)

    awards = results(maria.get("/awards/"))
    assert len(awards) == 1
    award = awards[0]
    eastern = timezone.now().astimezone(ZoneInfo("America/New_York"))
    fiscal_year = eastern.year + (1 if eastern.month >= 10 else 0)  # FY starts October 1
    assert re.fullmatch(r"DPA3-FY\d{2}-0001", award["award_number"])
    assert award["award_number"] == f"DPA3-FY{fiscal_year % 100:02d}-0001"
    assert (award["application"], award["instrument"], award["federal_amount"], award["status"]) == (
        app_id, "loan", "8000000.00", "pending_acceptance")
    assert award["letter"]["status"] == "ready" and re.fullmatch(r"[0-9a-f]{64}", award["letter"]["sha256"])
    assert [a["id"] for a in results(officer.get("/awards/"))] == [award["id"]]

    letter = maria.get(f"/awards/{award['id']}/letter/")
    assert letter["Content-Type"] == "application/pdf"
    pdf = b"".join(letter.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert award["award_number"] in text
    assert "Nevada Lithium Refining LLC" in text

    schedule = maria.get(f"/awards/{award['id']}/schedule/?format=csv")
    assert schedule["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(schedule.content.decode())))
    assert len(rows) == 40
    assert sum(Decimal(r["principal"]) for r in rows) == PRINCIPAL
    return award


def accept_award(maria: Client, award: dict) -> None:
    path = f"/awards/{award['id']}/accept/"
    first = maria.post(path, expect=200, HTTP_IDEMPOTENCY_KEY="accept-award-once")
    assert first.json()["status"] == "accepted" and first.json()["accepted_at"]
    replay = maria.post(path, expect=200, HTTP_IDEMPOTENCY_KEY="accept-award-once")
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    reused = maria.post(path, {"note": "a different body"}, expect=422, HTTP_IDEMPOTENCY_KEY="accept-award-once")
    assert reused.json()["code"] == "idempotency_key_reused"
    # Without the key, a second acceptance is refused: it really was done once.
    assert maria.post(path, expect=409).json()["code"] == "invalid_transition"
    assert maria.get(f"/awards/{award['id']}/").json()["status"] == "accepted"


def check_history_and_notifications(maria: Client, officer: Client, app_id: int) -> None:
    history = maria.get(f"/applications/{app_id}/history/").json()["results"]
    assert [h["transition"] for h in history] == [
        "submit", "start_screening", "request_revision", "resubmit", "start_screening", "open_review",
        "complete_review", "select", "begin_negotiation", "award",
    ]
    assert [(h["from_state"], h["to_state"]) for h in history][:3] == [
        ("draft", "submitted"), ("submitted", "screening"), ("screening", "revision_requested")]
    comments = {h["transition"]: h["comment"] for h in history}
    assert comments["request_revision"] == "Please attach the offtake letter summary."  # addressed to her
    assert "INTERNAL" not in str(history)  # internal officer comments are blanked
    assert history[1]["actor"] == "Program office" and history[0]["actor"] == "maria"
    assert history[6]["actor"] == "System"
    staff_view = officer.get(f"/applications/{app_id}/history/").json()["results"]
    assert staff_view[1]["comment"] == "INTERNAL: check FOCI filing."

    notes = results(maria.get("/notifications/?page_size=100"))
    statuses = [n for n in notes if n["kind"] == "application_status"]
    assert len(statuses) == len(history)  # one per status change, to her as the only member
    assert any(n["subject"].startswith("Award DPA3-") and "accept by" in n["subject"] for n in statuses)
    assert all(n["object_type"] == "applications.application" and n["object_id"] == app_id for n in statuses)

    to_maria = [m for m in mail.outbox if m.to == ["maria@nevada-lithium.example.com"]]
    assert len(to_maria) == len(statuses)
    assert any("revision requested" in m.subject and "Please attach the offtake" in m.body for m in to_maria)
    assert not any("INTERNAL" in m.body for m in to_maria)
    assert any(m.to == ["po_lee@agency.example.gov"] and "resubmitted" in m.subject for m in mail.outbox)
    assert sum(m.to == ["rev_ada@agency.example.gov"] for m in mail.outbox) == 1  # her assignment


# ---------------------------------------------------------------- the story


def test_loan_application_goes_from_registration_to_accepted_award_through_the_api(
    celery_eager, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    create_staff("po_lee", "program_officer", "--award-authority")
    for name in SCORES:
        create_staff(name, "reviewer")

    maria = register_applicant(capture)
    org_id, project_id, lithium = create_organization_and_project(maria)

    officer = Client("po_lee", capture, otp=totp_code())
    opp = create_opportunity(officer, lithium)
    assert maria.get(f"/opportunities/{opp['id']}/").json()["rubric"] == opp["rubric"]
    org_for_officer = officer.get(f"/organizations/{org_id}/").json()
    assert org_for_officer["foreign_entity_of_concern"] is False

    app = create_application(maria, opp["id"], org_id, project_id)
    app_id = app["id"]
    submit_with_documents(maria, app_id)
    screen_with_one_revision(officer, maria, app_id)

    reviewers = {name: Client(name, capture, otp=totp_code()) for name in SCORES}
    reviewer_ids = {name: c.get("/auth/me/").json()["id"] for name, c in reviewers.items()}
    assignments = assign_reviewers(officer, app_id, reviewer_ids)
    criteria = [c["id"] for c in officer.get(f"/opportunities/{opp['id']}/").json()["rubric"]]
    run_merit_review(reviewers, assignments, maria, app_id, criteria)
    check_ranking(officer, maria, opp["id"], app_id)

    negotiate_and_award(officer, app_id)
    award = check_award(officer, maria, opp["id"], app_id)
    accept_award(maria, award)
    check_history_and_notifications(maria, officer, app_id)
