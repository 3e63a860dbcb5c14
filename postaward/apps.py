from django.apps import AppConfig


class PostawardConfig(AppConfig):
    name = "postaward"
    verbose_name = "Post-award management"

    def ready(self):
        # The lifecycles (and their guards and effects) and the reminder sweep's deadline kinds.
        from . import deadlines, workflow  # noqa: F401
