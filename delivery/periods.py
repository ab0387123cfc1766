"""Reporting periods: calendar quarters by default, as regional CSR rules ask, and when a
quarter's report is due (the 15th of the month after it ends)."""

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

GRACE_DAYS = 15


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        following = self.next().start
        return following - datetime.timedelta(days=1)

    @property
    def due(self) -> datetime.date:
        """The day the quarter's report is due: GRACE_DAYS after it ends."""
        return self.end + datetime.timedelta(days=GRACE_DAYS)

    @property
    def index(self) -> int:
        """The quarters as consecutive numbers (`Quarter.at` turns one back)."""
        return 4 * self.year + self.number - 1

    @classmethod
    def at(cls, index: int) -> "Quarter":
        return cls(index // 4, index % 4 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    def next(self) -> "Quarter":
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @classmethod
    def parse(cls, key: str) -> "Quarter | None":
        try:
            year, number = key.split("-Q")
            quarter = cls(int(year), int(number))
        except (ValueError, AttributeError):
            return None
        return quarter if 1 <= quarter.number <= 4 and 2000 <= quarter.year <= 2100 else None

    def __str__(self):
        return _("Quarter %(number)s %(year)s") % {"number": self.number, "year": self.year}


def quarters(start: datetime.date, end: datetime.date) -> list[Quarter]:
    """The quarters that overlap the days from `start` to `end`."""
    found, quarter = [], Quarter.of(start)
    while quarter.start <= end:
        found.append(quarter)
        quarter = quarter.next()
    return found


def last_finished(today: datetime.date) -> Quarter:
    return Quarter.of(today).previous()


def last_due(today: datetime.date) -> Quarter:
    """The latest quarter whose report was due before `today`."""
    quarter = last_finished(today)
    return quarter if quarter.due < today else quarter.previous()


def label(start: datetime.date, end: datetime.date) -> str:
    """ "Quarter 1 2026" for a whole quarter, otherwise the dates."""
    quarter = Quarter.of(start)
    if start == quarter.start and end == quarter.end:
        return str(quarter)
    return f"{formats.date_format(start)} – {formats.date_format(end)}"
