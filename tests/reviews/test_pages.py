"""Review pages: workspace, COI and scoring forms, read phase, officer pages, ranking CSV."""

import pytest
from django.urls import reverse

from applications.choices import ApplicationStatus
from reviews.choices import AssignmentStatus
from reviews.models import ReviewAssignment
from tests.factories import ApplicationFactory, UserFactory
from tests.reviews.factories import ReviewAssignmentFactory, reviewers, submitted_review

pytestmark = pytest.mark.django_db
S = AssignmentStatus


@pytest.fixture
def web(client):
    def as_user(user):
        client.force_login(user)
        return client
    return as_user


def test_reviewer_certifies_scores_submits_and_reads_through_pages(web):
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW, opportunity__min_reviewers=2)
    other = submitted_review(app, UserFactory(reviewer=True, username="alice"), [3, 3, 3, 3])
    a = ReviewAssignmentFactory(application=app)
    c = web(a.reviewer)
    page = c.get(reverse("reviews:workspace"))
    assert page.status_code == 200 and app.title in page.text and "Certify conflict of interest" in page.text
    assert c.get(reverse("reviews:assignment", args=[a.pk])).url == reverse("reviews:coi", args=[a.pk])
    assert c.post(reverse("reviews:coi", args=[a.pk]), {"has_conflict": "no"}).status_code == 302
    form = c.get(reverse("reviews:assignment", args=[a.pk]))
    assert "weight 40%" in form.text and "n/a" in form.text and app.summary in form.text
    before = c.get(reverse("reviews:read", args=[a.pk])).text  # blind phase: only their own draft
    assert "Reviewer 2 (you)" in before and "Reviewer 1" not in before
    crit = list(app.opportunity.rubric.all())
    data = {f"score_{x.pk}": "4" for x in crit} | {f"score_{crit[3].pk}": "na", "overall_comment": "Good", "submit": "1"}
    done = c.post(reverse("reviews:assignment", args=[a.pk]), data)
    assert done.status_code == 302 and done.url == reverse("reviews:read", args=[a.pk])
    a.refresh_from_db()
    assert a.status == S.SUBMITTED and str(a.score) == "75.000"
    read = c.get(reverse("reviews:read", args=[a.pk])).text
    assert "Reviewer 1" in read and "alice" not in read and str(other.score) in read
    assert ApplicationFactory._meta.model.objects.get(pk=app.pk).status == ApplicationStatus.REVIEWED


def test_incomplete_submission_shows_the_error_and_keeps_the_draft(web):
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    a = ReviewAssignmentFactory(application=app, status=S.ACTIVE)
    crit = list(app.opportunity.rubric.all())
    response = web(a.reviewer).post(reverse("reviews:assignment", args=[a.pk]),
                                    {f"score_{crit[0].pk}": "5", "submit": "1"})
    assert response.status_code == 200 and "missing" in response.text
    assert list(a.scores.values_list("score", flat=True)) == [5]


def test_recused_reviewer_page_shows_no_application_content(web):
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW, summary="SECRET-SUMMARY")
    a = ReviewAssignmentFactory(application=app)
    c = web(a.reviewer)
    c.post(reverse("reviews:coi", args=[a.pk]), {"has_conflict": "yes", "statement": "Former employer"})
    a.refresh_from_db()
    assert a.status == S.RECUSED
    page = c.get(reverse("reviews:assignment", args=[a.pk]))
    assert page.status_code == 200 and "SECRET-SUMMARY" not in page.text and "recused" in page.text
    assert c.get(reverse("reviews:read", args=[a.pk])).status_code == 404


def test_officer_assigns_manually_and_automatically_and_exports_ranking_csv(web):
    officer = UserFactory(officer=True)
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    pool = reviewers(3)
    c = web(officer)
    r = c.post(reverse("reviews:application_assignments", args=[app.pk]), {"reviewer": pool[0].pk})
    assert r.status_code == 302 and ReviewAssignment.objects.filter(application=app).count() == 1
    again = c.post(reverse("reviews:application_assignments", args=[app.pk]), {"reviewer": pool[0].pk})
    assert again.status_code == 200 and "already assigned" in again.text
    auto = c.post(reverse("reviews:opportunity_assign", args=[app.opportunity_id]),
                  {"per_application": 3, "cap_per_reviewer": 5})
    assert auto.status_code == 302 and ReviewAssignment.objects.filter(application=app).count() == 3

    scored = ApplicationFactory(opportunity=app.opportunity, status=ApplicationStatus.UNDER_REVIEW, title="Scored one")
    submitted_review(scored, pool[0], score=80)
    submitted_review(scored, pool[1], score=30)
    page = c.get(reverse("reviews:ranking", args=[app.opportunity_id]) + "?by=normalized")
    assert page.status_code == 200 and "Scored one" in page.text and "Discuss" in page.text
    csv = c.get(reverse("reviews:ranking", args=[app.opportunity_id]) + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("rank,application,title")
    assert lines[1].endswith(",55.00,55.00,2,25.00,yes")


def test_officer_pages_are_forbidden_to_reviewers_and_workspace_to_officers(web):
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    c = web(UserFactory(reviewer=True))
    assert c.get(reverse("reviews:application_assignments", args=[app.pk])).status_code == 403
    assert c.get(reverse("reviews:ranking", args=[app.opportunity_id])).status_code == 403
    assert web(UserFactory(officer=True)).get(reverse("reviews:workspace")).status_code == 403


def test_ranking_csv_neutralises_titles_a_spreadsheet_would_run_as_formulas(web):
    officer = UserFactory(officer=True)
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW, title='=HYPERLINK("http://x","y")')
    submitted_review(app, reviewers(1)[0], score=70)
    csv = web(officer).get(reverse("reviews:ranking", args=[app.opportunity_id]) + "?format=csv")
    assert "'=HYPERLINK" in csv.content.decode()
