"""Engine settings: every number the rules call a default lives here, not in the code."""

from __future__ import annotations

from dataclasses import dataclass

PIX_PER_LEVEL = 8
MAX_LEVEL = 8


@dataclass(frozen=True, slots=True)
class EngineConfig:
    max_reachable_level: int = 6
    # answer checking
    t3_ratio: float = 0.25
    # smart random (§5.1)
    easy_tube_max_level: int = 3
    max_level_above_estimate: float = 2.0
    first_challenge_level: int = 2
    # lifecycle (§6)
    reset_delay_days: int = 7
    retry_delay_days: int = 4
    # campaigns (§7): their own delay before a new sending (4 days in the service too)
    campaign_retry_delay_days: int = 4
    # certifiability (§8)
    certifiable_competence_count: int = 5
    certifiable_min_level: int = 1
    # flash (§5.2)
    flash_prior_variance: float = 1.5
    flash_step_cap: float | None = 0.3
    flash_top_n: int = 5
    flash_avoid_last_competences: int = 2
    flash_test_length: int = 32

    def __post_init__(self) -> None:
        if not 1 <= self.max_reachable_level <= MAX_LEVEL:
            raise ValueError(f"max_reachable_level must be within 1..{MAX_LEVEL}")

    @property
    def max_competence_pix(self) -> int:
        return PIX_PER_LEVEL * self.max_reachable_level


DEFAULT_CONFIG = EngineConfig()
