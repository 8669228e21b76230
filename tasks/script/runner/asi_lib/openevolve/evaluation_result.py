"""EvaluationResult: metrics plus side artifacts, as OpenEvolve evaluators return them."""

from dataclasses import dataclass, field
from typing import Dict, List, Union


@dataclass
class EvaluationResult:
    """Metrics (name -> number) and artifacts (name -> str or bytes).

    Artifacts are diagnostics for the next prompt (stderr, failing cases);
    they never count towards the score.
    """

    metrics: Dict[str, float]
    artifacts: Dict[str, Union[str, bytes]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, metrics: Dict[str, float]) -> "EvaluationResult":
        """Wraps a plain metrics dict, the older return form of evaluate."""
        return cls(metrics=dict(metrics))

    def to_dict(self) -> Dict[str, float]:
        """Returns the metrics, as callers expecting a plain dict want."""
        return self.metrics

    def has_artifacts(self) -> bool:
        return bool(self.artifacts)

    def get_artifact_keys(self) -> List[str]:
        return list(self.artifacts.keys())

    def get_artifact_size(self, key: str) -> int:
        """Size in bytes (UTF-8 for text); 0 for a missing key."""
        if key not in self.artifacts:
            return 0
        value = self.artifacts[key]
        if isinstance(value, (bytes, bytearray)):
            return len(value)
        return len(str(value).encode("utf-8"))

    def get_total_artifact_size(self) -> int:
        return sum(self.get_artifact_size(k) for k in self.artifacts)
