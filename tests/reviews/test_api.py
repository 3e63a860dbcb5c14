"""Review API: the visibility matrix, recusal, the assignment lifecycle, ranking and auto-assign."""

import pytest

from accounts.models import Membership
from applications.choices import ApplicationStatus, DocumentKind
from reviews.choices import AssignmentStatus
from reviews.models import ReviewAssignment
from tests.factories import ApplicationFactory, DocumentFactory, UserFactory, aor_of
from tests.reviews.factories import ReviewAssignmentFactory, reviewers, submitted_review

pytestmark = pytest.mark.django_db
S = AssignmentStatus


@pytest.fixture
def panel():
    """An application under review: two submitted reviews, one active, one pending, one recused."""
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW, ready=True)
    first, second, active, pending, recused, stranger = reviewers(6)
    for u, name in ((first, "Ada"), (second, "Bo")):
        u.first_name, u.last_name = name, "Smith"
        u.save()
    a1 = submitted_review(app, first, [5, 4, 3, None])
    a2 = submitted_review(app, second, [2, 2, 2, 2])
    ReviewAssignmentFactory(application=app, reviewer=active, status=S.ACTIVE)
    ReviewAssignmentFactory(application=app, reviewer=pending, status=S.PENDING_COI)
    rec = ReviewAssignmentFactory(application=app, reviewer=recused, status=S.PENDING_COI)
    return {"app": app, "first": first, "second": second, "active": active, "pending": pending,
            "recused": recused, "recused_assignment": rec, "stranger": stranger, "a1": a1, "a2": a2,
            "officer": UserFactory(officer=True), "applicant": aor_of(app.organization)}


def _reviews(client_for, user, app):
    return client_for(user).get(f"/api/v1/applications/{app.pk}/reviews/")


def test_visibility_matrix_of_an_applications_reviews(client_for, panel):
    app = panel["app"]
    officer = _reviews(client_for, panel["officer"], app)
    assert officer.status_code == 200
    rows = officer.json()["results"]
    assert [r["reviewer_label"] for r in rows] == ["Ada Smith", "Bo Smith"]
    assert rows[0]["reviewer"]["id"] == panel["first"].pk
    assert rows[0]["score"] == "80.556"  # (40*5+30*4+20*3)/90 = 380/90 = 4.2222; (4.2222-1)*25 = 80.556

    # a submitted reviewer: every submitted review, anonymized, numbered by assignment id
    mine = _reviews(client_for, panel["second"], app).json()["results"]
    assert [r["reviewer_label"] for r in mine] == ["Reviewer 1", "Reviewer 2 (you)"]
    assert all(r["reviewer"] is None for r in mine)
    assert "Ada" not in str(mine) and panel["first"].username not in str(mine)

    # an active reviewer who has not submitted: only their own (draft)
    active = _reviews(client_for, panel["active"], app).json()["results"]
    assert [(r["reviewer_label"], r["is_own"]) for r in active] == [("Reviewer 3 (you)", True)]

    for who in ("pending", "recused", "stranger", "applicant"):
        assert _reviews(client_for, panel[who], app).status_code == 404, who


def test_recused_reviewer_never_sees_application_documents_or_reviews(client_for, panel):
    app, rec = panel["app"], panel["recused_assignment"]
    client = client_for(panel["recused"])
    response = client.post(f"/api/v1/review-assignments/{rec.pk}/coi/",
                           {"has_conflict": True, "statement": "My spouse works for the applicant."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "recused"
    assert response.json()["application_content"] is None
    doc = app.documents.get(kind=DocumentKind.TECHNICAL_REPORT)
    assert client.get(f"/api/v1/applications/{app.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{doc.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/applications/{app.pk}/reviews/").status_code == 404
    assert client.get(f"/api/v1/review-assignments/{rec.pk}/").json()["application_content"] is None
    # and no path back: certifying again is refused
    again = client.post(f"/api/v1/review-assignments/{rec.pk}/coi/", {"has_conflict": False}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_active_reviewer_reads_application_and_documents_but_pending_does_not(client_for, panel):
    app = panel["app"]
    doc = DocumentFactory(application=app, kind=DocumentKind.OTHER)
    active, pending = client_for(panel["active"]), client_for(panel["pending"])
    assert active.get(f"/api/v1/applications/{app.pk}/").status_code == 200
    assert active.get(f"/api/v1/documents/{doc.pk}/download/").status_code == 200
    assert pending.get(f"/api/v1/applications/{app.pk}/").status_code == 404
    assert pending.get(f"/api/v1/documents/{doc.pk}/download/").status_code == 404
    pa = ReviewAssignment.objects.get(reviewer=panel["pending"])
    body = pending.get(f"/api/v1/review-assignments/{pa.pk}/").json()
    assert body["application_content"] is None and body["application_title"] == app.title
    aa = ReviewAssignment.objects.get(reviewer=panel["active"])
    content = active.get(f"/api/v1/review-assignments/{aa.pk}/").json()["application_content"]
    assert content["summary"] == app.summary
    assert {d["id"] for d in content["documents"]} >= {doc.pk}


def test_assignment_lists_are_scoped_by_role(client_for, panel):
    mine = client_for(panel["active"]).get("/api/v1/review-assignments/").json()
    assert [a["reviewer"]["id"] for a in mine["results"]] == [panel["active"].pk]
    assert client_for(panel["applicant"]).get("/api/v1/review-assignments/").json()["count"] == 0
    assert client_for(panel["officer"]).get("/api/v1/review-assignments/").json()["count"] == 5
    other = ReviewAssignment.objects.get(reviewer=panel["pending"])
    assert client_for(panel["active"]).get(f"/api/v1/review-assignments/{other.pk}/").status_code == 404


def test_officer_creates_assignments_and_bad_reviewers_get_400(client_for):
    officer, reviewer, member = UserFactory(officer=True), UserFactory(reviewer=True), UserFactory(reviewer=True)
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    Membership.objects.create(user=member, organization=app.organization)
    client = client_for(officer)
    ok = client.post("/api/v1/review-assignments/", {"application": app.pk, "reviewer": reviewer.pk}, format="json")
    assert ok.status_code == 201 and ok.json()["status"] == "pending_coi"
    again = client.post("/api/v1/review-assignments/", {"application": app.pk, "reviewer": reviewer.pk}, format="json")
    assert again.status_code == 400 and "already assigned" in str(again.json()["reviewer"])
    own_org = client.post("/api/v1/review-assignments/", {"application": app.pk, "reviewer": member.pk}, format="json")
    assert own_org.status_code == 400 and "applicant organization" in str(own_org.json()["reviewer"])
    by_reviewer = client_for(reviewer).post("/api/v1/review-assignments/",
                                            {"application": app.pk, "reviewer": reviewer.pk}, format="json")
    assert by_reviewer.status_code == 403


def test_reviewer_lifecycle_through_the_api_and_immutability(client_for):
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW, opportunity__min_reviewers=1)
    a = ReviewAssignmentFactory(application=app)
    client = client_for(a.reviewer)
    base = f"/api/v1/review-assignments/{a.pk}"
    assert client.put(f"{base}/scores/", {"scores": []}, format="json").status_code == 409  # not active yet
    assert client.post(f"{base}/coi/", {"has_conflict": False}, format="json").json()["status"] == "active"
    crit = list(app.opportunity.rubric.all())
    body = {"scores": [{"criterion": c.pk, "score": 4, "comment": "ok"} for c in crit[:3]]
            + [{"criterion": crit[3].pk, "score": None}], "overall_comment": "Solid plan."}
    saved = client.put(f"{base}/scores/", body, format="json")
    assert saved.status_code == 200 and len(saved.json()["scores"]) == 4
    bad = client.put(f"{base}/scores/", {"scores": [{"criterion": crit[0].pk, "score": 9}]}, format="json")
    assert bad.status_code == 400
    submitted = client.post(f"{base}/submit/")
    assert submitted.status_code == 200 and submitted.json()["score"] == "75.000"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED  # the only review, min_reviewers 1
    late = client.put(f"{base}/scores/", body, format="json")
    assert late.status_code == 409 and late.json()["code"] == "invalid_transition"
    officer_try = client_for(UserFactory(officer=True)).post(f"{base}/submit/")
    assert officer_try.status_code == 403


def test_ranking_is_for_officers_rounded_and_paginated(client_for):
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    r1, r2, r3 = reviewers(3)
    submitted_review(app, r1, score=70.001)
    submitted_review(app, r2, score=80)
    submitted_review(app, r3, score=95.5)
    url = f"/api/v1/opportunities/{app.opportunity_id}/ranking/"
    assert client_for(r1).get(url).status_code == 403
    assert client_for(aor_of(app.organization)).get(url).status_code == 403
    response = client_for(UserFactory(officer=True)).get(url + "?by=normalized")
    assert response.status_code == 200
    [row] = response.json()["results"]
    # mean (70.001 + 80 + 95.5)/3 = 81.833667; population sd = sqrt(((-11.832667)^2 + (-1.833667)^2
    # + 13.666333^2) / 3) = sqrt(330.1478 / 3) = 10.4904. Each reviewer has one review (sd_r = 0,
    # z = 0), so normalized = mu = 81.83.
    assert row == {"rank": 1, "application": app.pk, "title": app.title,
                   "organization": app.organization_id, "organization_name": app.organization.legal_name,
                   "mean_score": 81.83,
                   "normalized_score": 81.83, "review_count": 3, "score_spread": 10.49, "flagged": False}
    assert client_for(UserFactory(officer=True)).get(url + "?by=median").status_code == 400


def test_auto_assign_endpoint(client_for):
    officer = UserFactory(officer=True)
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    pool = reviewers(3)
    url = f"/api/v1/opportunities/{app.opportunity_id}/auto-assign/"
    assert client_for(pool[0]).post(url, {"per_application": 2, "cap_per_reviewer": 2}, format="json").status_code == 403
    response = client_for(officer).post(url, {"per_application": 2, "cap_per_reviewer": 2,
                                              "reviewers": [r.pk for r in pool]}, format="json")
    assert response.status_code == 200
    assert response.json()["created"] == 2 and response.json()["unfilled"] == []
    assert ReviewAssignment.objects.filter(application=app).count() == 2
