"""The program side of Tessera's pipes protocol, without dependencies (Python 3.8+).

    from tessera_pipes import open_tessera_pipes

    with open_tessera_pipes() as pipes:
        pipes.log.info(f"computing {pipes.partition_key}")
        pipes.report_asset_materialization(metadata={"rows": 42}, data_version="v1")
        pipes.report_asset_check(check_name="not_empty", passed=True)

Tessera passes the context as JSON in TESSERA_PIPES_CONTEXT and the path of a file for messages (JSON lines) in
TESSERA_PIPES_MESSAGES; see protocol.ts in @tessera/core/pipes. Outside Tessera, open_tessera_pipes() raises.
"""

import json
import os

CONTEXT_ENV = "TESSERA_PIPES_CONTEXT"
MESSAGES_ENV = "TESSERA_PIPES_MESSAGES"

__all__ = ["open_tessera_pipes", "TesseraPipes"]


class _Log:
    def __init__(self, pipes):
        self._pipes = pipes

    def debug(self, message):
        self._pipes._write("log", {"level": "debug", "message": str(message)})

    def info(self, message):
        self._pipes._write("log", {"level": "info", "message": str(message)})

    def warning(self, message):
        self._pipes._write("log", {"level": "warn", "message": str(message)})

    warn = warning

    def error(self, message):
        self._pipes._write("log", {"level": "error", "message": str(message)})


class TesseraPipes:
    """The context of the step this program computes, and the channel back to Tessera."""

    def __init__(self, context, messages_path):
        self._context = context
        # Line-buffered appends: each message reaches the file whole even if the program crashes after it.
        self._messages = open(messages_path, "a", buffering=1, encoding="utf-8")
        self.log = _Log(self)

    @property
    def asset_keys(self):
        return list(self._context["asset_keys"])

    @property
    def asset_key(self):
        return self._context["asset_keys"][0]

    @property
    def run_id(self):
        return self._context["run_id"]

    @property
    def partition_key(self):
        return self._context.get("partition_key")

    @property
    def partition_key_range(self):
        return self._context.get("partition_key_range")

    @property
    def partition_time_window(self):
        return self._context.get("partition_time_window")

    @property
    def extras(self):
        return dict(self._context.get("extras") or {})

    def get_extra(self, key):
        return self.extras[key]

    def report_asset_materialization(self, metadata=None, data_version=None, asset_key=None):
        params = {"metadata": _jsonable(metadata or {})}
        if data_version is not None:
            params["data_version"] = str(data_version)
        if asset_key is not None:
            params["asset_key"] = asset_key
        self._write("report_asset_materialization", params)

    def report_asset_check(self, check_name, passed, severity="ERROR", metadata=None, asset_key=None, description=None):
        params = {"check_name": check_name, "passed": bool(passed), "severity": severity, "metadata": _jsonable(metadata or {})}
        if asset_key is not None:
            params["asset_key"] = asset_key
        if description is not None:
            params["description"] = description
        self._write("report_asset_check", params)

    def _write(self, method, params):
        self._messages.write(json.dumps({"method": method, "params": params}) + "\n")

    def close(self):
        if not self._messages.closed:
            self._write("closed", {})
            self._messages.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None:
            self.log.error("%s: %s" % (exc_type.__name__, exc))
        self.close()
        return False


def _jsonable(value):
    # Values JSON cannot hold (dates, decimals) are sent as text rather than failing the report.
    return json.loads(json.dumps(value, default=str))


def open_tessera_pipes():
    """The pipes of the step that started this program; use it in a `with` block."""
    context = os.environ.get(CONTEXT_ENV)
    messages = os.environ.get(MESSAGES_ENV)
    if context is None or messages is None:
        raise RuntimeError(
            "open_tessera_pipes() needs %s and %s, which Tessera sets when it runs this program through ctx.pipes.run(); "
            "run it from an asset." % (CONTEXT_ENV, MESSAGES_ENV)
        )
    return TesseraPipes(json.loads(context), messages)
