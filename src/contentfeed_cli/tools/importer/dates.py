"""An entry's dates, as its feed wrote them.

feedparser reads most dates, and misreads some without a word: a date written year first
with slashes (``2020/1/10 14:33:00``, as Chinese and Japanese sites write them) becomes
1 November of that year; ``8:19 pm`` 08:19; a zone's name it does not know (``CEST``, ``AEST``)
UTC; seconds since 1970 a year; a weekday in another language (``mer, 16 nov 2022``) no date
at all. Those are read here; any other date is feedparser's. A date that is none is reported,
never replaced by the day of the import.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from typing import Any

_YEAR_FIRST = re.compile(
    r"(\d{4}) ?[/.年] ?(\d{1,2}) ?[/.月] ?(\d{1,2})(?: ?日)?"
    r"(?:(?: |T|(?<=日))(\d{1,2}):(\d{2})(?::(\d{2}))?)? ?([AaPp]\.?[Mm]\.?)?"
    r" ?(Z|GMT|UTC|[+-]\d{2}:?\d{2})?"
)
"""Year first, with slashes, dots or 年月日, a time (am/pm perhaps) and a zone perhaps; matched
against the date with its spaces made single (:func:`written_moment`)."""
_RFC_822 = re.compile(
    r"(?:[^\W\d_]{2,12}\.?,? ?)?(\d{1,2}) ([A-Za-z]{3})[A-Za-z]*\.? (\d{4}|\d{2}) "
    r"(\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp]\.?[Mm]\.?)? ?([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?"
)
"""An RFC 822 date as feeds write it: a weekday in any language or none, an English month,
perhaps am/pm and a zone's name."""
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_ZONES = {
    **dict.fromkeys(("UT", "UTC", "GMT", "Z", "WET"), 0.0),
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "NST": -3.5, "NDT": -2.5,
    "BST": 1, "WEST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "ACDT": 10.5,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}  # fmt: skip
"""Zone names and their offsets in hours: RFC 822's, and those feeds write that feedparser
takes for UTC. A name of several zones is the one feeds mean (CST: US Central, as RFC 822 has
it; BST: British Summer Time); those that split ways (IST, AST) are not here."""
_LONGEST_DATE = 80
"""Longer "dates" are none: they are not matched at all."""
_UNIX_TIME = re.compile(r"[0-9]{9,11}")
"""Seconds since 1970 (1973 to 5138)."""


def _offset(zone: str) -> timedelta:
    """``+05:30``, ``-0800`` or a name of :data:`_ZONES` (none: UTC); ValueError for an offset
    no zone has (``+99:99``)."""
    if zone[:1] in ("+", "-"):
        hours, minutes = int(zone[1:3]), int(zone[-2:])
        if hours > 14 or minutes > 59:
            raise ValueError(zone)
        return (1 if zone[0] == "+" else -1) * timedelta(hours=hours, minutes=minutes)
    return timedelta(hours=_ZONES.get(zone, 0.0))


def _hour(written: str, half: str | None) -> int:
    """The hour of the day, with am/pm perhaps (12 am is midnight, 12 pm noon); ValueError for
    one that is none (``25 pm``)."""
    hour = int(written)
    if half is None:
        return hour
    if not 1 <= hour <= 12:
        raise ValueError(written)
    return hour % 12 + (12 if half[0] in "Pp" else 0)


class NotADate(ValueError):
    """Written as a date is, but naming none (``2020/13/45``, ``25:00 pm``, ``+99:99``)."""


def _year_first(found: re.Match[str]) -> datetime:
    year, month, day, hour, minute, second = (int(part or 0) for part in found.groups()[:6])
    try:
        hour = _hour(found[4], found[7]) if found[4] else 0
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        return moment - _offset(found[8] or "Z")
    except (ValueError, OverflowError):
        raise NotADate(found[0]) from None


def _rfc_822(found: re.Match[str], zone: str) -> datetime:
    day, month_name, year_written, hour_written, minute, second, half = found.groups()[:7]
    year = int(year_written)
    if len(year_written) == 2:  # RFC 2822: 00-49 are 20xx, 50-99 19xx
        year += 2000 if year < 50 else 1900
    try:
        hour = _hour(hour_written, half)
        moment = datetime(
            year,
            _MONTHS.get(month_name.lower(), 0),
            int(day),
            hour,
            int(minute),
            int(second or 0),
            tzinfo=UTC,
        )
        return moment - _offset(zone)
    except (ValueError, OverflowError):
        raise NotADate(found[0]) from None


def written_moment(written: str, losses: list[tuple[str, str]], name: str) -> datetime | None:
    """The moment ``written`` names when it is one of the dates read here (see the module);
    None for any other, :class:`NotADate` for one written so that names no moment. A zone name
    that is no zone known here is reported: feedparser reads its time as UTC."""
    written = " ".join(written.split())  # single spaces: each pattern is then linear
    if len(written) > _LONGEST_DATE:
        return None
    if found := _YEAR_FIRST.fullmatch(written):
        return _year_first(found)
    if _UNIX_TIME.fullmatch(written):
        return datetime.fromtimestamp(int(written), UTC)
    found = _RFC_822.fullmatch(written)
    if found is None or found[2].lower() not in _MONTHS:
        return None
    zone = (found[8] or "").upper()
    if len(zone) == 1 and zone != "Z":
        return None  # a military zone letter: feedparser reads those
    if zone and zone[0] not in "+-" and zone not in _ZONES:
        losses.append(("date", f"{name} {written!r}: its zone {zone} is not one it knows (UTC)"))
        return None
    return _rfc_822(found, zone)


def parsed_moment(parsed: Any) -> datetime | None:
    """A date feedparser read, or None when it is none or out of range (year 0, year 10,000)."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (ValueError, OverflowError, OSError):
        return None


_TIME = re.compile(r"\d:\d\d")


def _november_first_of_nothing(moment: datetime, written: str) -> bool:
    """Whether ``moment`` is feedparser's answer to a year followed by what it cannot read
    (``2020 Q1``, ``2020-W02``): 1 November of that year, midnight, from text that names
    neither November nor month 11, nor a time (8 pm Eastern on 31 October is that moment)."""
    return (
        (moment.month, moment.day, moment.hour, moment.minute, moment.second) == (11, 1, 0, 0, 0)
        and "11" not in written
        and "nov" not in written.lower()
        and not _TIME.search(written)
    )


def feed_date(entry: dict[str, Any], name: str, losses: list[tuple[str, str]]) -> datetime | None:
    """The entry's ``published`` or ``updated`` date; one the source wrote but that is not a
    date (or not one of years 1–9999) is reported, not replaced by the day of the import."""
    # dict.get: feedparser answers one date when asked for the other, which is not what the
    # source said.
    written = dict.get(entry, name)
    try:
        moment = written_moment(written, losses, name) if isinstance(written, str) else None
        read_here = moment is not None
    except NotADate:
        moment, read_here = None, True
    if not read_here:
        moment = parsed_moment(dict.get(entry, f"{name}_parsed"))
        if moment is not None and _november_first_of_nothing(moment, str(written)):
            moment = None
    if moment is None and written:
        losses.append(("date", f"{name} {written!r} (not a date it can keep)"))
    return moment
