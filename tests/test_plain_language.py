"""The interview's own screens read at grade 8 or below (Flesch-Kincaid) and decide nothing.

The packaged questions are held to the same grade in test_content.py.
"""

from __future__ import annotations

import pytest
import textstat

from screening.core import guard
from screening.core.messages import EN

MAX_GRADE = 8.0


@pytest.mark.parametrize("screen", [EN["opening"], EN["thanks"]], ids=["opening", "thanks"])
def test_interview_screens_read_plainly(screen: str) -> None:
    assert textstat.flesch_kincaid_grade(screen) <= MAX_GRADE


@pytest.mark.parametrize("screen", [EN["opening"], EN["thanks"]], ids=["opening", "thanks"])
def test_interview_screens_carry_no_decision_language(screen: str) -> None:
    assert guard.find_decision_language(screen) == []
