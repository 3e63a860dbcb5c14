"""The notifications API and pages: only your own, mark read, preferences."""

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationPreference
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/notifications/"


def note(user, subject="Hello", **kwargs):
    return Notification.objects.create(recipient=user, kind="application_status", subject=subject,
                                       body=f"{subject} body", url="/applications/1/", **kwargs)


def test_list_shows_only_your_own_newest_first_paginated(client_for):
    me, other = UserFactory(), UserFactory()
    first, second = note(me, "first"), note(me, "second")
    note(other, "not yours")
    body = client_for(me).get(LIST).json()
    assert body["count"] == 2 and set(body) >= {"next", "previous", "results"}
    assert [r["id"] for r in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["url"].endswith("/applications/1/") and body["results"][0]["unread"] is True
    assert client_for(me).get(LIST, {"page_size": 1}).json()["next"] is not None


def test_unread_filter_and_mark_read(client_for):
    me = UserFactory()
    a, b = note(me, "a"), note(me, "b")
    client = client_for(me)
    response = client.post(f"{LIST}{a.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert [r["id"] for r in client.get(LIST, {"unread": "true"}).json()["results"]] == [b.pk]
    assert [r["id"] for r in client.get(LIST, {"unread": "false"}).json()["results"]] == [a.pk]


def test_marking_someone_elses_notification_is_not_found(client_for):
    theirs = note(UserFactory())
    response = client_for(UserFactory()).post(f"{LIST}{theirs.pk}/read/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_your_unread(client_for):
    me, other = UserFactory(), UserFactory()
    note(me), note(me)
    theirs = note(other)
    assert client_for(me).post(f"{LIST}read-all/").json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_gets_401(api_client):
    assert api_client.get(LIST).status_code == 401


def test_preferences_get_and_put_optional_kinds_only(client_for):
    me = UserFactory()
    client = client_for(me)
    url = f"{LIST}preferences/"
    assert client.get(url).json() == {"application_status": True, "new_submission": True,
                                      "review_assigned": True}
    response = client.put(url, {"application_status": False}, format="json")
    assert response.status_code == 200 and response.json()["application_status"] is False
    assert NotificationPreference.objects.get(user=me).enabled is False
    refused = client.put(url, {"reminder": False}, format="json")
    assert refused.status_code == 400 and "cannot be turned off" in refused.json()["reminder"][0]
    assert client.put(url, {"bogus": True}, format="json").status_code == 400


def test_unread_count_is_in_the_page_and_pages_mark_read(client):
    me = UserFactory()
    a = note(me, "Your application moved")
    note(me, "Second")
    note(UserFactory(), "Someone else's")
    assert client.login(username=me.username, password=PASSWORD)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your application moved" in html and "Someone else" not in html
    assert page.context["unread_notification_count"] == 2
    response = client.post(reverse("notifications:read", args=[a.pk]), {"next": "open"})
    assert response.status_code == 302 and response["Location"] == "/applications/1/"
    a.refresh_from_db()
    assert a.read_at is not None
    other = Notification.objects.exclude(recipient=me).get()
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()


def test_preferences_page_saves_choices(client):
    me = UserFactory()
    client.login(username=me.username, password=PASSWORD)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200 and "cannot be turned off" in page.content.decode()
    client.post(reverse("notifications:preferences"), {"application_status": "on", "review_assigned": "on"})
    assert dict(NotificationPreference.objects.filter(user=me).values_list("kind", "enabled")) == {
        "application_status": True, "new_submission": False, "review_assigned": True}
