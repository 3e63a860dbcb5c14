"""gunicorn's access log as one JSON object per request (python-json-logger).

gunicorn formats access lines with a %-template and does not escape the values it inserts,
so a JSON template breaks on a quote in a User-Agent; this logger passes the fields to a
JSON formatter instead. Selected by gunicorn.conf.py when LOG_FORMAT is json.
"""

import traceback

from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter


class JsonAccessLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                  rename_fields={"asctime": "time", "levelname": "level",
                                                 "name": "logger"})
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        duration_ms = request_time.seconds * 1000 + request_time.microseconds / 1000
        try:
            self.access_log.info("request", extra={
                "remote_addr": atoms.get("h"), "method": atoms.get("m"), "path": atoms.get("U"),
                "query": atoms.get("q"), "status": int(resp.status_code or 0),
                "bytes": atoms.get("B"), "duration_ms": round(duration_ms, 1),
                "user_agent": atoms.get("a"), "referer": atoms.get("f"),
                "request_id": next((v for k, v in resp.headers if k.lower() == "x-request-id"),
                                   None),
            })
        except Exception:
            self.error(traceback.format_exc())
