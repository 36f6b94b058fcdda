"""This desk (host, user, process), and whether another desk's claim on a record is stale."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket

from screening.core.records import Desk, Record, utc_stamp

# A claim with no save for this long may be taken over, whatever its process is doing.
STALE_AFTER = dt.timedelta(minutes=30)


def user() -> str:
    """The OS user running this process, as the audit trail names them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def this_desk(now: dt.datetime) -> Desk:
    """A fresh claim for this process, as of ``now``."""
    return Desk(
        host=socket.gethostname(),
        user=user(),
        pid=os.getpid(),
        since=utc_stamp(now),
        # What secrets.token_hex(8) returns, without importing secrets (random, hmac) at start.
        token=os.urandom(8).hex(),
    )


def stale_reason(record: Record, now: dt.datetime) -> str | None:
    """Why the desk holding ``record`` no longer holds it in practice, or None if it does."""
    desk = record.desk
    if desk is None:
        return "no desk has it open"
    if desk.host == socket.gethostname() and not _alive(desk.pid):
        return f"process {desk.pid} on {desk.host} has ended"
    last = max(dt.datetime.fromisoformat(desk.since), dt.datetime.fromisoformat(record.updated))
    idle = now - last
    if idle >= STALE_AFTER:
        return f"nothing was saved there for {int(idle.total_seconds() // 60)} minutes"
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    except OSError:
        return False
    return True
