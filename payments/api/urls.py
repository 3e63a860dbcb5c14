"""REST API v1 routes of the payments app (included under /api/v1/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("payment-requests", views.PaymentRequestViewSet, basename="payment-request")

app_name = "payments-api"
urlpatterns = [
    path("awards/<int:pk>/payment-requests/", views.AwardPaymentRequestsView.as_view(), name="award-payment-requests"),
    path("awards/<int:pk>/disbursements/", views.AwardDisbursementsView.as_view(), name="award-disbursements"),
    path("awards/<int:pk>/repayments/", views.AwardRepaymentsView.as_view(), name="award-repayments"),
    path("awards/<int:pk>/loan-status/", views.LoanStatusView.as_view(), name="loan-status"),
    path("", include(router.urls)),
]
