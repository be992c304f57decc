"""Right answers for any challenge of the bank (test helper)."""

from __future__ import annotations

from typing import Any

from engine.referential import Challenge, ChallengeType


def right_answer(challenge: Challenge) -> Any:
    sol: Any = challenge.solution
    match challenge.type:
        case ChallengeType.QCU:
            return sol
        case ChallengeType.QCM:
            return sorted(sol)
        case ChallengeType.QROC:
            return sol[0]
        case ChallengeType.QROCM_IND:
            return {name: accepted[0] for name, accepted in sol.items()}
        case ChallengeType.QROCM_DEP:
            return {inp.name: group[0] for inp, group in zip(challenge.inputs, sol, strict=False)}
    raise AssertionError(challenge.type)
