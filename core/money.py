"""Rupiah as Indonesians write it, through Babel's Indonesian number data (CLDR).

`rupiah(1250000000)` -> "Rp 1.250.000.000"; `rupiah_short(1250000000)` -> "Rp 1,25 M"
(rb, jt, M, T: ribu, juta, miliar, triliun). Money is shown the Indonesian way in every
interface language: the amounts are Indonesian and so are their readers.
"""

import functools
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_compact_decimal, format_decimal

EMPTY = "–"
LOCALE = "id"
# No amount column holds more (a PostgreSQL bigint stops at 9.2 * 10**18).
LARGEST = Decimal(10) ** 19


def to_decimal(value) -> Decimal | None:
    """A Decimal from a number or numeric text; None for empty, non-numeric or absurd values."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and abs(amount) < LARGEST else None


def _signed(amount: Decimal, text: str) -> str:
    # A no-break space, as Babel puts before the unit: "Rp" never wraps away from its number.
    return f"-Rp\xa0{text}" if amount < 0 else f"Rp\xa0{text}"


def rupiah(value) -> str:
    """Whole rupiah with dot thousands separators: "Rp 1.250.000.000"."""
    amount = to_decimal(value)
    if amount is None:
        return EMPTY
    whole = abs(amount).to_integral_value(rounding=ROUND_HALF_UP)
    return _signed(amount, _grouped(whole))


def rupiah_short(value) -> str:
    """At most two decimals in the largest fitting unit: "Rp 1,25 M", "Rp 750 jt"."""
    amount = to_decimal(value)
    if amount is None:
        return EMPTY
    size = abs(amount)
    if size < 1000:
        return rupiah(amount)
    # Round within the unit first, so that 999,999 reads "1 jt" and not "1000 rb".
    unit = Decimal(1000) ** min(4, math.floor(math.log10(size) / 3))
    size = (size / unit * 100).to_integral_value(rounding=ROUND_HALF_UP) / 100 * unit
    return _signed(amount, _compact(size))


# Babel reads the locale's patterns on every call (about 20 microseconds): a list page shows a
# hundred amounts, most of them round figures met again and again, so the texts are kept.
@functools.lru_cache(maxsize=4096)
def _grouped(whole: Decimal) -> str:
    return format_decimal(whole, format="#,##0", locale=LOCALE)


@functools.lru_cache(maxsize=4096)
def _compact(size: Decimal) -> str:
    return format_compact_decimal(size, locale=LOCALE, fraction_digits=2)
