"""Refuse an oversized upload before anything reads its body.

Django parses a multipart body the first time anything touches ``request.POST`` or
``request.FILES``: the CSRF check of an HTML form, DRF's session authentication, a form.
So the declared length is checked here, ahead of all of them, for every upload endpoint
(API and web alike): 413, JSON under /api/ and a page elsewhere. A body without a length
or with a lying one is cut off by ``DocumentSizeLimitUploadHandler`` while it streams.
"""

from django.http import JsonResponse
from django.shortcuts import render

from applications.documents import request_body_too_large, too_large_error


class UploadSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.content_type == "multipart/form-data" and request_body_too_large(request):
            error = too_large_error()
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": error.detail, "code": error.code}, status=413)
            return render(request, "413.html", {"detail": error.detail}, status=413)
        return self.get_response(request)
