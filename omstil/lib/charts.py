"""What every chart shares: the colour scale of heat maps and distributions, contrast, and SVG.

Framework-free, so the reports and the competence mapping colour their heat maps alike.

The scale is sequential and single-hue (ColorBrewer's "Blues", eight steps of half a point
from 1 to 5): lighter is lower, darker is higher. It reads the same to colour-blind readers and
in greyscale, as its lightness rises step by step. The number is always written in the cell; the
colour only repeats it, and the text colour is chosen per step so that its WCAG contrast with
the background is at least 4.5:1 (`text_colour`).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

SCALE_LOW, SCALE_HIGH = 1, 5
DARK_TEXT, LIGHT_TEXT = "#1a1a1a", "#ffffff"
# Lightest to darkest; each step is half a point of the 1-5 scale (the last one includes 5.0).
BACKGROUNDS = (
    "#eff3ff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#084594",
)
# The five answers of a distribution, 1 (light) to 5 (dark): every other step of the same scale.
ANSWER_COLOURS = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#084594")
MIN_TEXT_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a colour written `#rrggbb`."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: str) -> str:
    """Dark or white text, whichever contrasts more with `background`."""
    dark, light = contrast(DARK_TEXT, background), contrast(LIGHT_TEXT, background)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


def one_decimal(value: float) -> Decimal:
    """A mean rounded as the page writes it (half up, one decimal), so cell and colour agree."""
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def heat_step(value: float | None) -> int | None:
    """The step of the scale a mean (1-5) falls in, from its value as written; None for none."""
    if value is None:
        return None
    written = one_decimal(value)
    step = int((written - SCALE_LOW) * 2)
    return max(0, min(len(BACKGROUNDS) - 1, step))


@dataclass(frozen=True)
class Step:
    """One step of the scale: its CSS class, colours and the means it covers, as written."""

    number: int
    background: str
    text: str
    low: Decimal
    high: Decimal

    @property
    def css_class(self) -> str:
        return f"omstil-heat-step-{self.number}"


def steps() -> list[Step]:
    """Every step of the heat scale, lightest first."""
    last = len(BACKGROUNDS) - 1
    made = []
    for number, background in enumerate(BACKGROUNDS):
        low = Decimal(SCALE_LOW) + Decimal("0.5") * number
        high = Decimal(SCALE_HIGH) if number == last else low + Decimal("0.4")
        made.append(Step(number, background, text_colour(background), low, high))
    return made


def heat_class(value: float | None) -> str:
    """The CSS class of a heat-map cell holding `value`, or "" for a cell without a mean."""
    step = heat_step(value)
    return "" if step is None else f"omstil-heat-step-{step}"


def heat_css() -> str:
    """The CSS rules of the steps, as omstil.css has them and the PDFs put them inline (a
    table cell's too, whose background DKFDS sets)."""
    return "\n".join(
        f".{step.css_class}, .table td.{step.css_class} "
        f"{{ background: {step.background}; color: {step.text}; }}"
        for step in steps()
    )


# SVG, written as text: every text and attribute value escaped.


def attributes(values: dict[str, object]) -> str:
    """`key="value"` pairs; None leaves an attribute out, floats get two decimals at most."""
    written = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = number(value)
        written.append(f'{key.rstrip("_").replace("_", "-")}="{escape(str(value))}"')
    return " ".join(written)


def number(value: float) -> str:
    """A coordinate for SVG: a dot as the decimal sign, whatever the language."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def tag(name: str, content: str = "", /, **values: object) -> str:
    """One SVG element; `content` is markup already escaped (use `text` for plain text)."""
    written = attributes(values)
    opening = f"<{name} {written}" if written else f"<{name}"
    return f"{opening}>{content}</{name}>" if content else f"{opening}/>"


def text(content: str) -> str:
    """Plain text, escaped, for an element's content."""
    return escape(content, quote=False)


def scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """`value` between `low` and `high` as a position between `start` and `end`."""
    return start + (value - low) / (high - low) * (end - start)


def wrap(words: str, width: int) -> list[str]:
    """A text as lines of at most `width` characters (a longer word stays whole)."""
    lines: list[str] = []
    line = ""
    for word in words.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines
