"""Which questions follow up on the conversation (searched and answered with the one before)."""

from __future__ import annotations

import pytest

from engine.runner.context import is_follow_up


@pytest.mark.parametrize("question", [
    "How did that compare with the same quarter a year earlier?",
    "What were its revenues?",
    "And their margins?",
    "What about services?",
    "Why did it fall?",
    "What does the other filing say?",
])
def test_a_question_standing_on_the_one_before_is_a_follow_up(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize("question", [
    # Comparisons and possessives that name their own subjects.
    "How did operating expenses compare with revenue?",
    "How do I stop camlidl from including the generated header in its C code?",
    "What risks does Apple mention about its supply chain?",
    "Who wrote the camlidl manual?",
])
def test_a_question_that_names_its_own_subject_is_not(question: str) -> None:
    assert not is_follow_up(question)
