"""The kiosk's rules: what a patient reads there, how long a form may sit untouched, and the
staff passphrase that alone leaves it.

The passphrase is kept only as a salted scrypt hash, in memory, for as long as the kiosk
runs. Three wrong tries in a row make the next one wait, longer after each further wrong
try; the kiosk goes on serving patients meanwhile. Times come from the caller's clock.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from screening.core.catalog import Catalog
from screening.core.errors import BadInputError
from screening.core.sanitize import shown

# What a patient reads at the kiosk: ids in the message catalog (core/messages.py), so each
# reads in the patient's language. The opening and closing texts are the interview's own.
PATIENT_MESSAGES = (
    "kiosk_start", "kiosk_start_choice", "kiosk_pick_language", "kiosk_stop",
    "kiosk_still_there", "kiosk_go_on", "kiosk_close", "kiosk_code", "kiosk_stopped",
    "kiosk_not_saved_yet", "kiosk_saving", "kiosk_closed_at_desk", "kiosk_done",
    "kiosk_done_choice",
)  # fmt: skip


def start_screen(catalogs: Sequence[Catalog]) -> tuple[str, list[tuple[str, str]]]:
    """The start screen's question, and its choices: one for each language the form comes
    in, each in its own words (the value is the language)."""
    if len(catalogs) == 1:
        say = catalogs[0]
        return say("kiosk_start"), [(say.language, say("kiosk_start_choice"))]
    question = " / ".join(say("kiosk_pick_language") for say in catalogs)
    return question, [
        (say.language, f"{say('language_name')}: {say('kiosk_start_choice')}") for say in catalogs
    ]


# What staff read.
STAFF_WORD = "staff"  # typed at the start screen, where nothing shows it
SET_PASSPHRASE = "Set the staff passphrase for leaving this kiosk:"  # noqa: S105
SET_AGAIN = "Type the same passphrase again:"
NOT_THE_SAME = "The two passphrases are not the same. Start again."
ASK_PASSPHRASE = "Staff passphrase (Enter alone goes back):"  # noqa: S105
WRONG = "That is not the staff passphrase."
MIN_PASSPHRASE = 8

FREE_TRIES = 3  # wrong tries in a row before the next must wait
FIRST_WAIT = 30.0  # seconds, doubled after each further wrong try
LONGEST_WAIT = 900.0

IDLE = 300.0  # seconds a form may sit untouched before "Are you still there?"
STILL_THERE_WAIT = 60.0  # seconds that question waits before the form is put away
_DURATION = re.compile(r"\s*([0-9]{1,6})\s*(s|m|h)?\s*", re.I)
_UNIT = {"s": 1, "m": 60, "h": 3600}
LONGEST_IDLE = 24 * 3600.0


def parse_duration(text: str) -> float:
    """``300``, ``300s``, ``5m`` or ``1h`` as seconds: from 1 second to 24 hours."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise BadInputError(f"--idle: '{shown(text)}' is not a time like 300, 90s or 5m")
    seconds = float(int(match.group(1)) * _UNIT[(match.group(2) or "s").lower()])
    if not 1 <= seconds <= LONGEST_IDLE:
        raise BadInputError(f"--idle: '{shown(text)}' is not between 1 second and 24 hours")
    return seconds


def passphrase_problem(typed: str) -> str | None:
    """What is wrong with a new staff passphrase, or None."""
    if len(typed) < MIN_PASSPHRASE:
        return f"Use at least {MIN_PASSPHRASE} characters."
    return None


def _hash(passphrase: str, salt: bytes) -> bytes:
    # scrypt's default cost (16 MiB, about 50 ms): slow to guess, quick enough to check.
    return hashlib.scrypt(passphrase.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


@dataclass
class StaffLock:
    """The staff passphrase as a salted hash, and the wrong tries against it."""

    salt: bytes
    digest: bytes = field(repr=False)
    clock: Callable[[], float]  # seconds, never going back (time.monotonic)
    wrong: int = 0
    until: float = 0.0  # no try is checked before this time

    @classmethod
    def set(cls, passphrase: str, clock: Callable[[], float]) -> StaffLock:
        salt = secrets.token_bytes(16)
        return cls(salt, _hash(passphrase, salt), clock)

    def wait(self) -> float:
        """Seconds before the next try is checked (0: now)."""
        return max(0.0, self.until - self.clock())

    def opens(self, typed: str) -> bool:
        """Whether ``typed`` is the passphrase. A try while ``wait()`` is not over is not
        checked (and does not count); every wrong one after the first three waits longer."""
        if self.wait() > 0:
            return False
        if hmac.compare_digest(_hash(typed, self.salt), self.digest):
            self.wrong, self.until = 0, 0.0
            return True
        self.wrong += 1
        if self.wrong >= FREE_TRIES:
            delay = FIRST_WAIT * 2 ** (self.wrong - FREE_TRIES)
            self.until = self.clock() + min(LONGEST_WAIT, delay)
        return False


def wait_text(seconds: float) -> str:
    """How long staff must wait before the next try, in words."""
    count, unit = math.ceil(seconds), "second"
    if count >= 120:
        count, unit = math.ceil(count / 60), "minute"
    return f"Too many wrong tries. Try again in {count} {unit}{'' if count == 1 else 's'}."
