"""Page-number pagination with ?page_size= (default 25, max 100), as api.md promises."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
