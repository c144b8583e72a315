"""Own signal-model artefacts: train once from bars, save (LightGBM text models + manifest with
version, training window, feature lists, thresholds and metrics), and load for the live path.

The live path only ever loads; training happens in `desk signals train` (or at first start).
Layout: <root>/<version>/{manifest.json, primary_long.txt, meta.txt} and <root>/LATEST.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import lightgbm as lgb
import pandas as pd

from core.clock import Clock
from core.errors import NotFound, ValidationError
from tools.signals.labels import BarrierConfig
from tools.signals.meta import META_FEATURES, MetaModel
from tools.signals.model import PrimaryModel, SideModel
from tools.signals.rules import RULES_VERSION, RuleParams

FORMAT = 1
DEFAULT_ROOT = Path("var/models")


@dataclass
class Artefact:
    """A trained primary model + meta-labeler with everything needed to use and explain them."""

    version: str
    primary: PrimaryModel
    meta: MetaModel
    ml_edge_cut_pct: float
    barrier: BarrierConfig
    rules: RuleParams
    trained_from: str
    trained_to: str
    created_at: str
    metrics: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def manifest(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "created_at": self.created_at,
            "training_window": {"from": self.trained_from, "to": self.trained_to},
            "barrier": asdict(self.barrier),
            "rules": {"version": RULES_VERSION, **asdict(self.rules)},
            "primary": {
                "features": list(self.primary.features),
                "vertical_mean_ret_pct": self.primary.long.vertical_mean_ret_pct,
            },
            "meta": {"features": list(self.meta.features), "threshold": self.meta.threshold},
            "ml_edge_cut_pct": self.ml_edge_cut_pct,
            "metrics": self.metrics,
        }


def save_artefact(art: Artefact, root: str | Path = DEFAULT_ROOT) -> Path:
    """Write the artefact under root/<version>/ and point root/LATEST at it."""
    folder = Path(root) / art.version
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "primary_long.txt").write_text(art.primary.long.booster.model_to_string())
    (folder / "meta.txt").write_text(art.meta.booster.model_to_string())
    (folder / "manifest.json").write_text(json.dumps(art.manifest(), indent=2, default=str))
    (Path(root) / "LATEST").write_text(art.version + "\n")
    art.path = folder
    return folder


def artefact_exists(path: str | Path = DEFAULT_ROOT) -> bool:
    """True when `path` is an artefact folder or a root with a LATEST pointer (cheap check for
    start-up code deciding whether to run `desk signals train`)."""
    folder = Path(path)
    if (folder / "manifest.json").exists():
        return True
    latest = folder / "LATEST"
    return latest.exists() and (folder / latest.read_text().strip() / "manifest.json").exists()


def load_artefact(path: str | Path = DEFAULT_ROOT) -> Artefact:
    """Load an artefact folder, or the LATEST one under a root folder."""
    folder = Path(path)
    if (folder / "LATEST").exists() and not (folder / "manifest.json").exists():
        folder = folder / (folder / "LATEST").read_text().strip()
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise NotFound(f"no signal model artefact at {folder} (run `desk signals train`)")
    m = json.loads(manifest_path.read_text())
    if m.get("format") != FORMAT:
        raise ValidationError(f"artefact format {m.get('format')} is not {FORMAT}", field="format")
    barrier = BarrierConfig(**m["barrier"])
    rules = RuleParams(**{k: v for k, v in m["rules"].items() if k != "version"})
    long_side = SideModel(
        lgb.Booster(model_str=(folder / "primary_long.txt").read_text()),
        float(m["primary"]["vertical_mean_ret_pct"]),
    )
    primary = PrimaryModel(cfg=barrier, long=long_side, features=tuple(m["primary"]["features"]))
    meta = MetaModel(
        lgb.Booster(model_str=(folder / "meta.txt").read_text()),
        threshold=float(m["meta"]["threshold"]),
        features=tuple(m["meta"]["features"]),
    )
    return Artefact(
        version=m["version"],
        primary=primary,
        meta=meta,
        ml_edge_cut_pct=float(m["ml_edge_cut_pct"]),
        barrier=barrier,
        rules=rules,
        trained_from=m["training_window"]["from"],
        trained_to=m["training_window"]["to"],
        created_at=m["created_at"],
        metrics=m.get("metrics", {}),
        path=folder,
    )


def make_version(
    primary: PrimaryModel, meta: MetaModel, trained_to: str, ml_edge_cut_pct: float
) -> str:
    """`lgbm-<last label date>-<hash>` over both models, the meta threshold and the ML cut:
    same behaviour, same version."""
    digest = hashlib.sha256(
        primary.long.booster.model_to_string().encode()
        + meta.booster.model_to_string().encode()
        + f"{meta.threshold!r}|{ml_edge_cut_pct!r}".encode()
    ).hexdigest()[:8]
    return f"lgbm-{trained_to.replace('-', '')}-{digest}"


def train_artefact(bars: pd.DataFrame, clock: Clock, cfg: Any = None) -> Artefact:
    """Train primary + meta on all complete history in `bars` (purged A/B/C blocks)."""
    from tools.backtest.runner import BacktestConfig, fit_models, label_end, prepare

    cfg = cfg or BacktestConfig()
    prep = prepare(bars, cfg)
    fitted = fit_models(prep, prep.outcomes["complete"].to_numpy(), label_end(prep.outcomes), cfg)
    if isinstance(fitted, str):
        raise ValidationError(f"not enough history to train: {fitted}", field="bars")
    if fitted.meta.features != META_FEATURES:
        raise ValidationError("meta feature list changed during training", field="features")
    notes = fitted.notes
    created: datetime = clock.now()
    return Artefact(
        version=make_version(
            fitted.primary, fitted.meta, notes["train_to"], fitted.ml_edge_cut_pct
        ),
        primary=fitted.primary,
        meta=fitted.meta,
        ml_edge_cut_pct=fitted.ml_edge_cut_pct,
        barrier=cfg.barrier,
        rules=cfg.rules,
        trained_from=notes["train_from"],
        trained_to=notes["train_to"],
        created_at=created.isoformat(),
        metrics={**notes, "data": prep.data},
    )
