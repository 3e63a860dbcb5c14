"""The white-paper API of api.md: create/list/detail/patch, transitions, history and the
document; visibility by restrict() (404), permissions by the policy (403), pagination on
every list, JSON-only bodies, every field error at once, idempotent transitions."""

import pytest
from django.utils import timezone

from tests.factories import ProjectFactory, UserFactory
from whitepapers.models import WhitePaper

from .helpers import (
    D,
    aor_for,
    contributor_of,
    draft,
    encouraged,
    organization_with_aor,
    pdf_pages,
    pdf_upload,
    submitted,
    two_step_opportunity,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/white-papers/"


def test_a_member_creates_a_draft(client_for):
    opp = two_step_opportunity()
    org, aor = organization_with_aor()
    project = ProjectFactory(organization=org)
    body = {"opportunity": opp.pk, "organization": org.pk, "project": project.pk, "title": "Gallium recovery",
            "instrument": "cooperative_agreement", "federal_amount_estimate": "8000000.00",
            "summary": "Recover gallium from alumina refinery liquor."}
    response = client_for(aor).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["status"] == "draft" and out["federal_amount_estimate"] == "8000000.00"
    assert out["available_transitions"] == ["submit", "withdraw"]
    assert out["proposal_due_at"] is None and out["applications"] == []


def test_every_field_error_at_once(client_for):
    opp = two_step_opportunity()
    org, aor = organization_with_aor()
    project = ProjectFactory()  # another organization's project: not visible
    body = {"opportunity": opp.pk, "organization": org.pk, "project": project.pk, "title": "",
            "instrument": "barter", "federal_amount_estimate": "-1"}
    response = client_for(aor).post(URL, body, format="json")
    assert response.status_code == 400
    assert {"project", "title", "instrument", "federal_amount_estimate"} <= set(response.json())


def test_single_step_opportunity_is_a_field_error_with_the_others(client_for):
    from tests.factories import OpportunityFactory

    org, aor = organization_with_aor()
    body = {"opportunity": OpportunityFactory().pk, "organization": org.pk,
            "project": ProjectFactory(organization=org).pk, "title": "", "instrument": "grant",
            "federal_amount_estimate": "1.00"}
    response = client_for(aor).post(URL, body, format="json")
    assert response.status_code == 400
    assert {"opportunity", "title"} <= set(response.json())


def test_staff_may_not_create_and_form_bodies_are_415(client_for):
    opp = two_step_opportunity()
    assert client_for(UserFactory(officer=True)).post(URL, {"opportunity": opp.pk}, format="json").status_code == 403
    org, aor = organization_with_aor()
    response = client_for(aor).post(URL, {"opportunity": opp.pk}, format="multipart")
    assert response.status_code == 415


def test_visibility(client_for):
    wp = submitted()
    stranger = UserFactory()
    reviewer = UserFactory(reviewer=True)
    officer = UserFactory(officer=True)
    assert client_for(stranger).get(f"{URL}{wp.pk}/").status_code == 404
    assert client_for(reviewer).get(f"{URL}{wp.pk}/").status_code == 404
    assert client_for(stranger).get(URL).json()["count"] == 0
    assert client_for(officer).get(f"{URL}{wp.pk}/").status_code == 200
    assert client_for(contributor_of(wp.organization)).get(f"{URL}{wp.pk}/").status_code == 200
    for path in ("transitions/", "history/", "documents/"):
        assert client_for(stranger).get(f"{URL}{wp.pk}/{path}").status_code == 404


def test_list_is_paginated_filtered_and_ordered(client_for):
    opp = two_step_opportunity()
    papers = [draft(opportunity=opp) for _ in range(3)]
    officer = UserFactory(officer=True)
    aor = aor_for(papers[0])
    from whitepapers import services

    services.white_paper_transition(white_paper_id=papers[0].pk, name="submit", actor=aor)
    client = client_for(officer)
    page = client.get(URL, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    only = client.get(URL, {"status": "submitted", "opportunity": opp.pk}).json()
    assert [r["id"] for r in only["results"]] == [papers[0].pk]
    assert client.get(URL, {"status": "bogus"}).status_code == 400
    assert client.get(URL, {"ordering": "-submitted_at"}).status_code == 200


def test_patch_only_while_draft(client_for):
    wp = draft()
    client = client_for(aor_for(wp))
    response = client.patch(f"{URL}{wp.pk}/", {"title": "Sharper title"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Sharper title"
    assert client.patch(f"{URL}{wp.pk}/", {"organization": organization_with_aor()[0].pk},
                        format="json").status_code == 400
    client.post(f"{URL}{wp.pk}/transitions/submit/", {}, format="json")
    assert client.patch(f"{URL}{wp.pk}/", {"title": "Too late"}, format="json").status_code == 409


def test_transitions_over_the_api(client_for):
    wp = draft()
    client = client_for(aor_for(wp))
    listed = client.get(f"{URL}{wp.pk}/transitions/").json()
    assert listed["count"] == 2 and {t["name"] for t in listed["results"]} == {"submit", "withdraw"}
    response = client.post(f"{URL}{wp.pk}/transitions/submit/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert client.post(f"{URL}{wp.pk}/transitions/submit/", {}, format="json").json()["code"] == "invalid_transition"
    assert client.post(f"{URL}{wp.pk}/transitions/encourage/", {"proposal_due_at": (timezone.now() + 9 * D)
                                                                .isoformat()}, format="json").status_code == 403
    assert client.post(f"{URL}{wp.pk}/transitions/nope/", {}, format="json").status_code == 404
    officer = client_for(UserFactory(officer=True))
    missing = officer.post(f"{URL}{wp.pk}/transitions/encourage/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "conditions_unmet"
    stale = officer.post(f"{URL}{wp.pk}/transitions/discourage/", {"comment": "No.", "expected_status": "draft"},
                         format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    due = (timezone.now() + 30 * D).replace(microsecond=0)
    done = officer.post(f"{URL}{wp.pk}/transitions/encourage/", {"comment": "Go ahead.",
                                                                "proposal_due_at": due.isoformat()}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "encouraged"
    assert WhitePaper.objects.get(pk=wp.pk).proposal_due_at == due
    history = client.get(f"{URL}{wp.pk}/history/").json()
    assert [h["transition"] for h in history["results"]] == ["submit", "encourage"]
    assert history["results"][1]["comment"] == "Go ahead." and history["results"][1]["actor"] == "Program office"


def test_transition_is_idempotent_with_a_key(client_for):
    wp = draft()
    client = client_for(aor_for(wp))
    first = client.post(f"{URL}{wp.pk}/transitions/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"{URL}{wp.pk}/transitions/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_document_upload_list_and_download(client_for):
    wp = draft(document=False)
    client = client_for(aor_for(wp))
    too_long = client.post(f"{URL}{wp.pk}/documents/", {"file": pdf_upload(12)}, format="multipart")
    assert too_long.status_code == 400 and "at most 10 pages" in too_long.json()["file"][0]
    response = client.post(f"{URL}{wp.pk}/documents/", {"file": pdf_upload(4), "kind": "white_paper"},
                           format="multipart")
    assert response.status_code == 201, response.json()
    doc = response.json()
    assert doc["pages"] == 4 and doc["kind"] == "white_paper"
    listed = client.get(f"{URL}{wp.pk}/documents/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == doc["id"]
    download = client_for(UserFactory(officer=True)).get(doc["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf_pages(4)
    assert client_for(UserFactory()).get(doc["download_url"]).status_code == 404
    wrong_kind = client.post(f"{URL}{wp.pk}/documents/", {"file": pdf_upload(1), "kind": "budget_justification"},
                             format="multipart")
    assert wrong_kind.status_code == 400


def test_encouraged_paper_offers_no_more_transitions_to_the_applicant(client_for):
    wp = encouraged()
    assert client_for(aor_for(wp)).get(f"{URL}{wp.pk}/").json()["available_transitions"] == []


def test_opportunities_carry_the_two_step_fields(client_for):
    from tests.applications.test_api_catalog import opportunity_body

    officer = client_for(UserFactory(officer=True))
    missing = officer.post("/api/v1/opportunities/", opportunity_body(two_step=True, title=""), format="json")
    assert missing.status_code == 400
    assert {"white_paper_closes_at", "title"} <= set(missing.json())
    body = opportunity_body(two_step=True)
    late = dict(body, white_paper_closes_at="2099-01-01T17:00:00-05:00")
    assert "white_paper_closes_at" in officer.post("/api/v1/opportunities/", late, format="json").json()
    single = dict(body, two_step=False, white_paper_closes_at=body["opens_at"])
    assert "white_paper_closes_at" in officer.post("/api/v1/opportunities/", single, format="json").json()
    body["white_paper_closes_at"] = body["closes_at"]
    created = officer.post("/api/v1/opportunities/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["two_step"] is True and created.json()["white_paper_closes_at"]
    plain = officer.get(f"/api/v1/opportunities/{created.json()['id']}/").json()
    assert plain["two_step"] is True


def test_an_opportunity_with_white_papers_stays_two_step(client_for):
    wp = draft()
    response = client_for(UserFactory(officer=True)).patch(
        f"/api/v1/opportunities/{wp.opportunity_id}/", {"two_step": False, "white_paper_closes_at": None},
        format="json")
    assert response.status_code == 400 and "two_step" in response.json()
