"""pytest-odoo set-up shared by both addons.

- pytest-odoo 2.3.0 does not set ``threading.current_thread().dbname``, which Odoo code reads
  (mail, bus, HttpCase); set it for the whole session.
- Odoo's own test runner fails a test that logs a WARNING or ERROR. Do the same: every
  WARNING+ record an ``odoo.*`` logger emits during a test (or its class set-up) fails that
  test, unless the test expects it (``mute_logger`` or ``assertLogs``).
"""

import logging
import threading

import pytest

try:
    import odoo.tools
except ImportError:  # pragma: no cover - scripts/test.sh reports a missing Odoo
    odoo = None


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        if record.name.startswith("odoo") and record.levelno >= logging.WARNING:
            self.records.append(record)


_collector = _Collector()


@pytest.fixture(scope="session", autouse=True)
def _odoo_thread_dbname():
    if odoo is None:
        yield
        return
    db_name = odoo.tools.config["db_name"]
    if isinstance(db_name, list | tuple):
        db_name = db_name[0] if db_name else None
    threading.current_thread().dbname = db_name
    logging.getLogger().addHandler(_collector)
    yield
    logging.getLogger().removeHandler(_collector)


@pytest.fixture(autouse=True)
def _fail_on_odoo_warnings():
    yield
    records, _collector.records = _collector.records, []
    if records:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}"[:2000] for r in records)
        pytest.fail(f"Odoo logged {len(records)} WARNING/ERROR record(s):\n{lines}", pytrace=False)
