"""Charts for the reports (matplotlib, PNG) with Chinese labels in a CJK font."""
from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from addin.infra.atomic import atomic_path  # noqa: E402

CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN",
    "Microsoft YaHei", "SimHei", "SimSun", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "PingFang SC", "Heiti SC", "Noto Sans CJK JP", "Noto Sans CJK TC",
)


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font of CJK_FONTS (None: Chinese labels would show as boxes)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


HORIZONTAL_FROM = 9     # this many bars or more: horizontal bars (long labels stay readable, values never overlap)


def pass_rate_chart(labels: Sequence[str], rates: Sequence[float], path, title: str,
                    notes: Sequence[str] | None = None, threshold: float | None = None,
                    width_mm: float = 150, height_mm: float = 80) -> Path:
    """A bar chart of pass rates (0–1; NaN is drawn as no bar with '无数据'), written atomically as PNG.

    Up to 8 bars stand upright with their labels below; more (a city's 检测项目, often 20 with long
    names such as 混凝土抗压强度（回弹）) lie horizontally, one row per label, so no label is cut
    and no two value labels run into each other."""
    font = cjk_font()
    rc = {"font.family": "sans-serif", "font.sans-serif": [font] if font else [], "axes.unicode_minus": False}
    horizontal = len(labels) >= HORIZONTAL_FROM
    if horizontal:
        height_mm = max(height_mm, 20 + 6.5 * len(labels))
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=200)
        try:
            xs = range(len(labels))
            values = [0.0 if (r is None or math.isnan(r)) else r * 100 for r in rates]
            texts = [((notes[i] if notes and notes[i] else "无数据") if (r is None or math.isnan(r)) else f"{r * 100:.1f}%")
                     for i, r in enumerate(rates)]
            ticks = [0, 20, 40, 60, 80, 100]
            if horizontal:
                ys = list(reversed(xs))                      # first label on top
                bars = ax.barh(ys, values, color="#2f5597", height=0.6)
                for bar, text in zip(bars, texts):
                    ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                                textcoords="offset points", ha="left", va="center", fontsize=7.5)
                ax.set_yticks(ys)
                ax.set_yticklabels(list(labels), fontsize=8)
                ax.set_xlim(0, 115)
                ax.set_xticks(ticks)
                ax.set_xticklabels([f"{v}%" for v in ticks], fontsize=8)
                ax.set_xlabel("合格率", fontsize=9)
                if threshold is not None:
                    ax.axvline(threshold * 100, color="#c00000", linewidth=0.8, linestyle="--")
            else:
                bars = ax.bar(xs, values, color="#2f5597", width=0.6)
                for bar, text in zip(bars, texts):
                    ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                                xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8)
                if threshold is not None:
                    ax.axhline(threshold * 100, color="#c00000", linewidth=0.8, linestyle="--")
                ax.set_xticks(list(xs))
                ax.set_xticklabels(list(labels), fontsize=9)
                ax.set_ylim(0, 110)
                ax.set_yticks(ticks)
                ax.set_yticklabels([f"{v}%" for v in ticks], fontsize=8)
                ax.set_ylabel("合格率", fontsize=9)
            ax.set_title(title, fontsize=10)
            ax.spines["top"].set_visible(False)
            ax.spines["right"].set_visible(False)
            fig.tight_layout()
            path = Path(path)
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format="png")
        finally:
            plt.close(fig)
    return path
