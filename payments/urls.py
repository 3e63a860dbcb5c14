"""HTML pages of the payments app (included at /payments/)."""

from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("", views.overview, name="queue"),
    path("awards/<int:pk>/", views.award_payments, name="award"),
    path("awards/<int:pk>/request/", views.request_payment, name="request"),
    path("awards/<int:pk>/disburse/", views.record_disbursement, name="disburse"),
    path("awards/<int:pk>/repay/", views.record_repayment, name="repay"),
    path("requests/<int:pk>/<str:name>/", views.decide, name="decide"),
]
