"""REST API v1 routes of the webhooks app."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("webhook-endpoints", views.WebhookEndpointViewSet, basename="api-webhook-endpoint")
router.register("webhook-deliveries", views.WebhookDeliveryViewSet, basename="api-webhook-delivery")

urlpatterns = router.urls
