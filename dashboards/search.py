"""Search across applications, organizations (name, UEI) and projects with PostgreSQL
full-text search (``websearch_to_tsquery``: quoted phrases, ``or``, ``-word``), always inside
what the user may see. A UEI or an application number typed whole is matched exactly."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

from accounts.models import Organization
from applications.models import Application, Project

CONFIG = "english"
UEI = re.compile(r"^[A-HJ-NP-Z1-9][A-HJ-NP-Z0-9]{11}$")


@dataclass
class Results:
    query: str
    applications: list
    organizations: list
    projects: list

    @property
    def total(self) -> int:
        return len(self.applications) + len(self.organizations) + len(self.projects)


def _ranked(queryset, vector, query, limit):
    return list(
        queryset.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query).order_by("-rank", "-id")[:limit]
    )


def search(user, text: str, *, limit: int = 25) -> Results:
    text = (text or "").strip()[:200]
    if not text:
        return Results(text, [], [], [])
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    apps = Application.objects.restrict(user).select_related("organization", "opportunity", "project")
    orgs = Organization.objects.restrict(user)
    projects = Project.objects.restrict(user).select_related("organization")

    if UEI.match(text.upper()):
        return Results(text, list(apps.filter(organization__uei=text.upper())[:limit]),
                       list(orgs.filter(uei=text.upper())[:limit]), [])
    if text.lstrip("#").isdigit():
        exact = list(apps.filter(pk=int(text.lstrip("#"))))
        if exact:
            return Results(text, exact, [], [])

    app_vector = (SearchVector("title", weight="A", config=CONFIG)
                  + SearchVector("organization__legal_name", weight="B", config=CONFIG)
                  + SearchVector("summary", weight="C", config=CONFIG))
    org_vector = (SearchVector("legal_name", weight="A", config=CONFIG)
                  + SearchVector("city", weight="C", config=CONFIG))
    project_vector = (SearchVector("name", weight="A", config=CONFIG)
                      + SearchVector("county", weight="B", config=CONFIG)
                      + SearchVector("description", weight="C", config=CONFIG))
    return Results(
        text,
        _ranked(apps, app_vector, query, limit),
        _ranked(orgs, org_vector, query, limit),
        _ranked(projects, project_vector, query, limit),
    )
