"""Dates and times: stored in UTC, shown and reasoned about in Asia/Tokyo."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def now_utc() -> datetime:
    return datetime.now(UTC)


def tokyo_today(now: datetime | None = None) -> date:
    """Today's date in Asia/Tokyo (deadlines are Tokyo calendar days)."""
    return (now or now_utc()).astimezone(TOKYO).date()


def format_tokyo(value: datetime | None) -> str:
    """'2026年11月25日 18:05' in Asia/Tokyo."""
    if value is None:
        return ""
    local = value.astimezone(TOKYO)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


WEEKDAYS = "月火水木金土日"


def format_date(value: date | None) -> str:
    """'2026年11月25日（水）'."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日（{WEEKDAYS[value.weekday()]}）"
