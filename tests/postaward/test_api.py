"""The post-award API as api.md lists it: milestones, reports, modifications, their
transitions, plus award documents, the due list and the portfolio."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward import services
from postaward.choices import ReportKind
from postaward.models import Report
from tests.factories import UserFactory, pdf_bytes

from .helpers import accepted_award, aor, officer

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_milestones_list_create_and_transitions(client_for):
    award = accepted_award()
    po, rep = client_for(officer()), client_for(aor(award))
    due = (award.period_start + dt.timedelta(days=30)).isoformat()
    r = po.post(f"{API}/awards/{award.pk}/milestones/", {"title": "Pilot plant", "due_date": due}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert {"id", "title", "description", "due_date", "status"} <= set(body) and body["status"] == "due"
    assert rep.post(f"{API}/awards/{award.pk}/milestones/", {"title": "x", "due_date": due},
                    format="json").status_code == 403
    page = rep.get(f"{API}/awards/{award.pk}/milestones/").json()
    assert page["count"] == 1 and page["results"][0]["id"] == body["id"]

    r = rep.post(f"{API}/milestones/{body['id']}/transitions/submit/", {}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "conditions_unmet"
    upload = rep.post(f"{API}/awards/{award.pk}/documents/",
                      {"file": SimpleUploadedFile("log.pdf", pdf_bytes("Test log"), content_type="application/pdf")},
                      format="multipart")
    assert upload.status_code == 201, upload.content
    r = rep.post(f"{API}/milestones/{body['id']}/transitions/submit/",
                 {"comment": "Commissioned.", "documents": [upload.json()["id"]]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert rep.post(f"{API}/milestones/{body['id']}/transitions/accept/", {}, format="json").status_code == 403
    r = po.post(f"{API}/milestones/{body['id']}/transitions/accept/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert po.post(f"{API}/milestones/{body['id']}/transitions/accept/", {}, format="json").status_code == 409
    assert po.post(f"{API}/milestones/{body['id']}/transitions/fly/", {}, format="json").status_code == 404
    download = rep.get(upload.json()["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_reports_read_save_with_every_error_and_transitions(client_for):
    award = accepted_award()
    rep, po = client_for(aor(award)), client_for(officer())
    page = rep.get(f"{API}/awards/{award.pk}/reports/?page_size=100").json()
    assert page["count"] == Report.objects.filter(award=award).count()
    financial = next(r for r in page["results"] if r["kind"] == "financial" and not r["final"])
    assert {"id", "kind", "final", "period_start", "period_end", "due_at", "status", "data"} <= set(financial)
    url = f"{API}/reports/{financial['id']}/"
    bad = {"federal_cash_receipts": "100.00", "federal_cash_disbursements": "200.00",
           "federal_share_of_expenditures": "900.00", "recipient_share_of_expenditures": "0",
           "federal_share_of_unliquidated_obligations": "0"}
    r = rep.put(url, {"data": bad}, format="json")
    assert r.status_code == 400
    assert {"data.federal_cash_disbursements", "data.federal_share_of_expenditures", "data.program_income"} <= set(
        r.json())
    good = {**bad, "federal_cash_disbursements": "100.00", "federal_share_of_expenditures": "100.00",
            "program_income": "0.00"}
    r = rep.put(url, {"data": good}, format="json")
    assert r.status_code == 200 and r.json()["data"]["federal_cash_receipts"] == "100.00"
    assert rep.post(f"{url}transitions/submit/", {}, format="json").json()["status"] == "submitted"
    r = po.post(f"{url}transitions/return/", {"comment": ""}, format="json")
    assert r.status_code == 400 and r.json()["unmet"] == ["A comment is required."]
    assert po.post(f"{url}transitions/return/", {"comment": "Fix line 10e."}, format="json").json()["status"] == "due"
    assert rep.put(url, {"data": good}, format="json").status_code == 200


def test_outsiders_get_404(client_for):
    award = accepted_award()
    stranger = client_for(UserFactory())
    report = Report.objects.filter(award=award).first()
    assert stranger.get(f"{API}/awards/{award.pk}/reports/").status_code == 404
    assert stranger.get(f"{API}/reports/{report.pk}/").status_code == 404
    assert stranger.post(f"{API}/reports/{report.pk}/transitions/submit/", {}, format="json").status_code == 404


def test_modifications_propose_approve_and_letter(client_for):
    award = accepted_award()
    rep, po = client_for(aor(award)), client_for(officer())
    url = f"{API}/awards/{award.pk}/modifications/"
    r = rep.post(url, {"kind": "no_cost_extension", "justification": ""}, format="json")
    assert r.status_code == 400 and {"justification", "new_period_end"} <= set(r.json())
    new_end = (award.period_end + dt.timedelta(days=180)).isoformat()
    r = rep.post(url, {"kind": "no_cost_extension", "justification": "Permitting delay.",
                       "new_period_end": new_end}, format="json")
    assert r.status_code == 201, r.content
    mod = r.json()
    assert mod["status"] == "proposed" and mod["number"] == "" and mod["letter"] is None
    assert rep.post(f"{API}/modifications/{mod['id']}/transitions/approve/", {}, format="json").status_code == 403
    r = po.post(f"{API}/modifications/{mod['id']}/transitions/approve/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["number"] == f"{award.award_number}-M01" and r.json()["letter"]["status"] == "pending"
    r = rep.get(f"{API}/modifications/{mod['id']}/letter/")
    assert r.status_code == 404 and r.json()["code"] == "letter_not_ready"
    assert rep.get(url).json()["count"] == 1
    assert rep.get(f"{API}/awards/{award.pk}/").json()["period_end"] == new_end


def test_due_items_in_date_order_and_portfolio_for_officers(client_for):
    award = accepted_award()
    services.milestone_create(actor=officer(), award=award, title="Site works",
                              due_date=award.period_start + dt.timedelta(days=100))
    rep = client_for(aor(award))
    items = rep.get(f"{API}/due-items/?page_size=100").json()["results"]
    assert items and [i["due_at"] for i in items] == sorted(i["due_at"] for i in items)
    assert {"milestone", "report"} == {i["type"] for i in items}
    assert rep.get(f"{API}/portfolio/").status_code == 403
    rows = client_for(officer()).get(f"{API}/portfolio/").json()["results"]
    [row] = [r for r in rows if r["award"] == award.pk]
    assert row["obligated"] == "10000000.00" and row["drawn"] == "0.00"
    assert row["reports_due"] == Report.objects.filter(award=award).count() and row["delinquent"] is False


def test_form_bodies_are_refused(client_for):
    award = accepted_award()
    report = Report.objects.filter(award=award, kind=ReportKind.PROGRESS).first()
    r = client_for(aor(award)).put(f"{API}/reports/{report.pk}/", "data=1",
                                   content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415
