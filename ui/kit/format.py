"""Turning engine numbers into text a learner can read: never 'nan' or 'inf' on screen."""

from __future__ import annotations

import math
import re

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = str.maketrans("-−0123456789", "⁻⁻" + SUPERSCRIPT_DIGITS)


def superscript(exponent: int) -> str:
    """A whole-number exponent in superscript digits: 999 -> '⁹⁹⁹', -10 -> '⁻¹⁰'."""
    return str(int(exponent)).translate(_SUPERSCRIPT)


def power_of_ten(exponent: int) -> str:
    """10 to a whole power, written as it is printed in a book: '10⁻¹⁰', '10⁴⁷⁷'."""
    return "10" + superscript(exponent)


def number(value: float, digits: int = 3) -> str:
    """A finite number with up to ``digits`` decimals; huge or tiny ones as powers of ten.

    Non-finite values never reach the screen as 'nan' or 'inf': they read as words.
    """
    value = float(value)
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "too large to show" if value > 0 else "too large to show (negative)"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e6 or magnitude < 10 ** (-digits):
        return signed_power_of_ten(math.log10(magnitude), negative=value < 0)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: float, digits: int = 3) -> str:
    """``number`` as prose prints it, with a true minus sign: '−1', '0.5'."""
    return number(value, digits).replace("-", "−")


def _non_finite_words(log10_value: float) -> str | None:
    """The words for a log10 magnitude that is not a finite number, else None."""
    if math.isnan(log10_value):
        return "undefined"
    if log10_value == -math.inf:
        return "exactly 0"
    if log10_value == math.inf:
        return "too large to show"
    return None


def signed_power_of_ten(log10_value: float, negative: bool = False, prefix: str = "") -> str:
    """'1.22 × 10⁻¹⁰' style text from a log10 magnitude (plain digits within 10^±3); -inf reads as exactly 0."""
    if (words := _non_finite_words(log10_value)) is not None:
        return words
    exponent = math.floor(log10_value)
    mantissa = 10 ** (log10_value - exponent)
    if mantissa >= 9.995:
        mantissa, exponent = 1.0, exponent + 1
    sign = "−" if negative else ""
    if abs(exponent) <= 3 and not prefix:
        return f"{sign}{mantissa * 10.0**exponent:.4g}"
    return f"{prefix}{sign}{mantissa:.2f} × {power_of_ten(exponent)}"


def from_log10(log10_value: float, negative: bool = False) -> str:
    """A magnitude given as log10, in the most readable form: '512', '0.001953', 'about 10⁴⁷⁷'.

    Between 10^-4 and 10^6 the number itself (4 significant digits, thousands separated);
    beyond that its power of ten; -inf (an exact zero) reads 'exactly 0'.
    """
    log10_value = float(log10_value)
    if (words := _non_finite_words(log10_value)) is not None:
        return words
    sign = "−" if negative else ""
    if -4 <= log10_value < 6:
        value = 10.0**log10_value
        text = f"{value:,.0f}" if value >= 1000 else f"{value:.4g}"
        return sign + text
    return f"about {sign}{power_of_ten(round(log10_value))}"


def significant(value: float) -> str:
    """Any finite or non-finite float through ``from_log10``: '345,664', '0.02634', 'about 10¹¹¹'."""
    value = float(value)
    if math.isnan(value):
        return "undefined"
    if value == 0:
        return "0"
    return from_log10(math.log10(abs(value)) if math.isfinite(value) else math.inf, negative=value < 0)


# What Markdown, KaTeX and Streamlit's own syntax read inside a line: emphasis (* and _ at a word's
# edge), code (`), links and images ([ ]), autolinks (<), formulas ($), strikethrough (~), an escape
# (\\), an entity (&name;), icons, emoji and colours (:material/…:, :smile:, :red[…]: a colon before a
# word and a slash are escaped); at a line's start, a heading, list or quote. Other marks
# ('w2' has shape (2, 2)) read as they are and are left alone.
_MARKUP = re.compile(r"[\\`*\[\]<>$~/]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|:(?=\S)|&(?=#?\w+;)")
_AUTOLINK = re.compile(r"(?i)(?<![A-Za-z0-9])(https?|ftp|www|mailto|xmpp)(?=\\?[:.])")
WORD_JOINER = "\u2060"  # shows nothing and joins what is around it
_SHORTCODE_END = re.compile(r"(\\:[\w+\-]+):")
_LINE_START = re.compile(r"^(\s*\d*)([#+\-=|.)])")


def literal(text: str) -> str:
    """Text a learner supplied (a file's name, a column's name, what a file said), made safe for a
    Markdown element: shown as the characters it is, never as emphasis, a list, a link, an image to
    fetch, a formula or an icon. Line breaks become spaces."""
    escaped = _MARKUP.sub(lambda m: "\\" + m.group(0), " ".join(str(text).split()))
    escaped = _SHORTCODE_END.sub(r"\1\\:", escaped)  # :smile: needs both its colons escaped
    # A bare address becomes a link after escapes are read: an invisible word joiner keeps it text.
    escaped = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, escaped).replace("@", WORD_JOINER + "@")
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
