import pytest

from dpa_funding.celery import app as celery_app


def _drop_broker_connections() -> None:
    """Forget the app's broker pools so the next publish uses the URL now configured."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def private_redis(request, tmp_path, monkeypatch):
    """A redis-server of the test's own on a free port; this process publishes to it.

    Celery reads CELERY_BROKER_URL from the environment before its settings, so the
    variable itself is pointed at the private server for the test's duration.
    """
    from .procs import RedisServer

    marker = request.node.get_closest_marker("persistent_redis")
    server = RedisServer(tmp_path, persistent=marker is not None)
    server.start()
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = server.url
    celery_app.conf.task_always_eager = False
    _drop_broker_connections()
    try:
        yield server
    finally:
        server.stop()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
        monkeypatch.undo()
        _drop_broker_connections()


def pytest_configure(config):
    config.addinivalue_line("markers", "persistent_redis: the private redis-server keeps an AOF")
