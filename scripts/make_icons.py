"""Draw the app's icons (the flag passed round, luân lưu) into voting/static/icons: PNG and ICO.

Run once after changing the drawing: ``.venv/bin/python scripts/make_icons.py``. The SVG icon beside them
is written by hand with the same geometry (a 64-unit square).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "voting" / "static" / "icons"
RED, GOLD, WHITE = "#9b1c1c", "#f5c518", "#ffffff"


def star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    """Return the ten corners of a five-pointed star centred on (cx, cy)."""
    inner = outer * 0.382
    return [
        (
            cx + (outer if i % 2 == 0 else inner) * math.sin(math.pi * i / 5),
            cy - (outer if i % 2 == 0 else inner) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]


def draw(size: int) -> Image.Image:
    """Draw the icon on a *size*-pixel square: a red tile, an arrow turning round a gold flag."""
    big = size * 4  # drawn large, then reduced: smooth edges without an antialiasing renderer
    k = big / 64
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=12 * k, fill=RED)
    # The arrow turning round the flag (from 40° to 320°, clockwise), its head at the end.
    pen.arc((8 * k, 8 * k, 56 * k, 56 * k), start=-50, end=230, fill=WHITE, width=round(4 * k))
    tip = math.radians(-50)
    x, y = 32 + 24 * math.cos(tip), 32 + 24 * math.sin(tip)
    head = [(x - 6, y - 4), (x + 5, y - 5), (x + 1, y + 6)]
    pen.polygon([(hx * k, hy * k) for hx, hy in head], fill=WHITE)
    pen.rectangle((22 * k, 18 * k, 25 * k, 48 * k), fill=WHITE)  # the pole
    pen.polygon([(25 * k, 18 * k), (44 * k, 22 * k), (25 * k, 34 * k)], fill=GOLD)  # the pennant
    pen.polygon([(px * k, py * k) for px, py in star(31, 25, 4.5)], fill=RED)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(180).save(OUT / "apple-touch-icon.png")
    draw(64).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64)])


if __name__ == "__main__":
    main()
