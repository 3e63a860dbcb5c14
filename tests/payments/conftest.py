import pytest

from tests.payments.factories import accepted_award, aor, officer


@pytest.fixture
def grant(db):
    return accepted_award()


@pytest.fixture
def recipient(grant):
    return aor(grant)


@pytest.fixture
def po(db):
    return officer()
