import logging

from django.db import InterfaceError, OperationalError


class DatabaseOutageFilter(logging.Filter):
    """A database that does not answer is an outage, not a bug: each request it fails is
    logged as one warning line, without a traceback and without mailing the administrators
    (a minute's outage would otherwise send hundreds of error mails)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OperationalError | InterfaceError):
            record.msg = f"{record.getMessage()} (database unavailable: {error})"
            record.args = ()
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True
