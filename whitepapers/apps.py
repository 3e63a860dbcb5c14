from django.apps import AppConfig


class WhitepapersConfig(AppConfig):
    name = "whitepapers"
    verbose_name = "White papers (two-step solicitations)"

    def ready(self):
        # Registries filled at start-up: the white-paper lifecycle with its guards and
        # effects (checked by the engine's system checks), and the two reminder kinds.
        from . import deadlines, workflow  # noqa: F401
