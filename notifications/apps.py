from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and reminders"

    def ready(self):
        from applications.services import application_transitioned

        from . import receivers

        application_transitioned.connect(receivers.on_application_transitioned,
                                         dispatch_uid="notifications.application_transitioned")
        try:  # sent by the reviews app once it ships its signal
            from reviews.signals import review_assignment_created
        except ImportError:
            review_assignment_created = None
        if review_assignment_created is not None:
            review_assignment_created.connect(receivers.on_review_assignment_created,
                                              dispatch_uid="notifications.review_assignment_created")
