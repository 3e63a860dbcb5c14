"""The published schema says what the server does (issue 11): content types, pagination,
enums, optional and nullable fields, binary responses, error statuses and headers."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db



def _is_upload(path: str, method: str) -> bool:
    """Uploads are the document collections (applications', and any other's)."""
    return method == "post" and path.endswith("/documents/")

PAGINATED_LISTS = [
    "/api/v1/applications/{id}/reviews/", "/api/v1/opportunities/{id}/ranking/",
    "/api/v1/applications/{id}/history/", "/api/v1/applications/{id}/documents/",
    "/api/v1/applications/{id}/transitions/", "/api/v1/notifications/", "/api/v1/awards/",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _component(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_request_bodies_are_json_only_except_uploads(schema):
    for path, method, operation in _operations(schema):
        if "requestBody" not in operation:
            continue
        expected = {"multipart/form-data"} if _is_upload(path, method) else {"application/json"}
        assert set(operation["requestBody"]["content"]) == expected, (method, path)


def test_every_authenticated_operation_documents_401_and_every_id_path_404(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        if operation.get("security") != [{}] and operation.get("security", schema.get("security")):
            assert "401" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), (method, path)
        assert "Retry-After" in responses["429"]["headers"], (method, path)


def test_notification_operations_document_401(schema):
    for path in ("/api/v1/notifications/", "/api/v1/notifications/{id}/read/",
                 "/api/v1/notifications/read-all/", "/api/v1/notifications/preferences/"):
        for method, operation in schema["paths"][path].items():
            assert "401" in operation["responses"], (method, path)


@pytest.mark.parametrize("path", PAGINATED_LISTS)
def test_lists_are_declared_as_pages(schema, path):
    get = schema["paths"][path]["get"]
    ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = _component(schema, ref)
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
    assert {"page", "page_size"} <= {p["name"] for p in get["parameters"]}


def test_idempotent_operations_document_the_replay_header(schema):
    create = schema["paths"]["/api/v1/applications/"]["post"]
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
    assert "Idempotent-Replayed" in create["responses"]["422"]["headers"]


def test_binary_and_csv_responses_are_documented(schema):
    letter = schema["paths"]["/api/v1/awards/{id}/letter/"]["get"]["responses"]["200"]["content"]
    assert letter["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert "application/octet-stream" in letter  # the form generated clients can read as bytes
    download = schema["paths"]["/api/v1/documents/{id}/download/"]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "application/octet-stream"} <= set(download)
    schedule = schema["paths"]["/api/v1/awards/{id}/schedule/"]["get"]["responses"]["200"]["content"]
    assert schedule["text/csv"]["schema"]["type"] == "string"
    assert schedule["application/json"]["schema"]["type"] == "array"


def test_coded_fields_are_enums_and_ids_are_integers(schema):
    comps = schema["components"]["schemas"]
    assert comps["RankingRow"]["properties"]["organization"]["type"] == "integer"
    assert comps["ReviewAssignment"]["properties"]["organization"]["type"] == "integer"
    assert comps["ReviewAssignment"]["properties"]["organization_name"]["type"] == "string"
    for component, field in [("Transition", "name"), ("Transition", "target"),
                             ("HistoryEntry", "to_state"), ("ApplicationReview", "status"),
                             ("Terms", "instrument"), ("Project", "facility_type"), ("Award", "status")]:
        prop = comps[component]["properties"][field]
        assert "$ref" in prop or "allOf" in prop or "enum" in prop, (component, field, prop)
    assert comps["Award"]["properties"]["conditions"]["items"]["type"] == "string"
    params = {p["name"]: p for p in schema["paths"]["/api/v1/applications/"]["get"]["parameters"]}
    for name in ("organization", "opportunity", "mineral"):
        assert params[name]["schema"]["type"] == "integer", name
    assert "-submitted_at" in params["ordering"]["schema"]["enum"]


def test_optional_and_nullable_fields_are_marked(schema):
    comps = schema["components"]["schemas"]
    organization = comps["Organization"]
    assert "foreign_entity_of_concern" in organization["properties"]
    assert "foreign_entity_of_concern" not in organization.get("required", [])
    loan = comps["Terms"]["properties"]["loan"]
    assert loan.get("nullable") is True
    loan_out = _component(schema, loan["allOf"][0]["$ref"] if "allOf" in loan else loan["$ref"])
    assert all(prop.get("nullable") for prop in loan_out["properties"].values())
