"""Own the backtest report files: summary.json and an equity-curve PNG (matplotlib, Agg)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from tools.backtest.evaluate import Scorecard


def write_report(
    card: Scorecard, out_dir: str | Path, title: str = "Walk-forward"
) -> dict[str, str]:
    """Write summary.json and equity.png into out_dir; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "summary.json"
    json_path.write_text(json.dumps(card.summary, indent=2, sort_keys=False, default=str))
    png_path = out / "equity.png"
    fig, ax = plt.subplots(figsize=(11, 6), dpi=100)
    for name, curve in card.curves.items():
        if len(curve):
            style = "--" if name in ("unfiltered primary", "equal-weight buy & hold") else "-"
            ax.plot(curve.index, curve.to_numpy() / 1e5, style, lw=1.2, label=name)
    ax.set_yscale("log")
    ax.set_ylabel("equity, ₹ lakh (log scale)")
    ax.set_title(f"{title}: meta-filtered strategies after Indian costs and slippage")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(png_path)
    plt.close(fig)
    return {"summary": str(json_path), "equity_png": str(png_path)}
