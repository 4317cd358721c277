"""The service's log: one line a request with the client address, method, path, status and milliseconds. Not
uvicorn's access log, which writes the query string; and a path outside the API is not written either, since a
client may put anything in a URL. An exception is logged by type and place only: its message may quote the note."""

import copy
import logging
import time
import traceback

from notecoder.service.guard import App, Message, Receive, Scope, Send

log = logging.getLogger("notecoder.service")


class AccessLog:
    def __init__(self, app: App, paths: frozenset[str]) -> None:
        self.app, self.paths = app, paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        began, status = time.perf_counter(), [0]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:
            where = traceback.extract_tb(error.__traceback__)[-1]
            log.error("unhandled %s at %s:%s", type(error).__name__, where.filename, where.lineno)
            if not status[0]:
                await sending({"type": "http.response.start", "status": 500, "headers": [(b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
        finally:
            path = scope["path"] if scope["path"] in self.paths else "(a path outside the API)"
            client = (scope.get("client") or ("-",))[0]
            took = 1000 * (time.perf_counter() - began)
            log.info("%s %s %s %s %.0f ms", client, scope["method"], path, status[0], took)


def log_config() -> dict:
    """uvicorn's logging, with the service's log beside its own (uvicorn's access log is switched off)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"][log.name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
