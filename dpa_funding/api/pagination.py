"""Page-number pagination with ?page_size= (default 25, max 100), as api.md promises."""

import sys
from collections.abc import Callable

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_rows(self, request, fetch: Callable[[int, int], tuple[list, int]]) -> list:
        """``paginate_queryset`` for a list read by one statement: ``fetch(offset, limit)``
        returns the page's rows and the total count together. The same page sizes, page
        numbers ("last" too), 404 messages and ``get_paginated_response`` as for a queryset."""
        page_size = self.get_page_size(request)
        self.request = request
        paginator = self.django_paginator_class((), page_size)
        page_number = request.query_params.get(self.page_query_param) or 1
        try:
            if page_number in self.last_page_strings:
                paginator.count = fetch(0, 0)[1]  # "last" needs the count first
                page_number = paginator.num_pages
            number = self._valid_number(page_number)
            rows, paginator.count = fetch((number - 1) * page_size, page_size)
            paginator.__dict__.pop("num_pages", None)
            paginator.validate_number(number)  # past the last page: EmptyPage, as Django says
        except InvalidPage as exc:
            msg = self.invalid_page_message.format(page_number=page_number, message=str(exc))
            raise NotFound(msg) from exc
        self.page = paginator._get_page(rows, number, paginator)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True  # the browsable API shows page links
        return rows  # the page's own sequence (it may render itself faster than a list)

    def _valid_number(self, page_number) -> int:
        """Django's own check of a page number (an integer, at least 1) before any count."""
        probe = self.django_paginator_class((), 1)
        probe.count = sys.maxsize
        return probe.validate_number(page_number)
