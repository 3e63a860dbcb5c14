from tests.awards.conftest import _no_real_letter_queue  # noqa: F401  (award letters need no broker here)
