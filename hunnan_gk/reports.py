"""The overdue report as plain data: which requests still await a reply, and how close each is
to its deadline (red/yellow/green lights of work plan item 10, domain.md §9).

Pure: rows, a calendar and `as_of` in; dicts out. Never reads the clock or the database.

Rules (issue 4):
- remaining_workdays = the working days in (as_of, due] when due ≥ as_of, otherwise minus the
  working days in (due, as_of]: `calendar.between(as_of, due)`.
- red when as_of is after the due date, also on the weekend right after a Friday deadline
  (remaining is then 0, but the deadline has passed); yellow when remaining ≤ yellow_days;
  green otherwise; paused while the clock is stopped for 补正 (条例第30条) or consultation
  (条例第32条、第34条), with the date to watch.
- seriously_overdue: after the legal ceiling, receipt + 40 working days + pauses (条例第33条).
- a request standing in `review` also shows the last day for 补正告知 (receipt + 7 working
  days, 条例第30条) while that day has not passed and no 补正 was asked.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hunnan_gk.privacy import mask_fields
from hunnan_gk.vocab import ApplicantType, Light, Stage
from hunnan_gk.clock import compute_clock

if TYPE_CHECKING:
    from hunnan_gk.clock import Clock
    from hunnan_gk.workdays import WorkCalendar

DEFAULT_YELLOW_DAYS = 5

#: Most urgent first: the order the lights are defined in (red, yellow, green, paused).
LIGHT_ORDER: dict[Light, int] = {light: rank for rank, light in enumerate(Light)}

#: The keys every request of the report carries (issue 4's JSON contract), in order.
CONTRACT_KEYS = (
    "number",
    "applicant",
    "applicant_type",
    "department",
    "stage",
    "stage_label",
    "received",
    "due",
    "remaining_workdays",
    "light",
    "seriously_overdue",
    "due_provisional",
)


def parse_lights(text: str | None, option: str = "--light") -> list[Light]:
    """`red,yellow` or `红灯，黄灯` → the lights named; all of them when not given."""
    if not text:
        return list(Light)
    names = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
    wanted = {Light.parse(name, option=option) for name in names}
    return [light for light in Light if light in wanted]


def at_or_worse(light: Light, threshold: Light) -> bool:
    """Whether `light` is `threshold` or more urgent (red is worse than yellow); paused never is."""
    if light is Light.PAUSED or threshold is Light.PAUSED:
        return False
    return LIGHT_ORDER[light] <= LIGHT_ORDER[threshold]


def light_of(clock: "Clock", calendar: "WorkCalendar", as_of: date,
             yellow_days: int = DEFAULT_YELLOW_DAYS) -> tuple[Light, int | None]:
    """A running (or paused) clock's light on `as_of` and the working days left to its due
    date (negative once past it; None while 补正 has stopped the clock): red past the due
    date, yellow with `yellow_days` or fewer left, paused while the clock stands still."""
    if clock.paused:
        remaining = calendar.between(as_of, clock.due).workdays if clock.due is not None else None
        return Light.PAUSED, remaining
    return deadline_light(clock.due, calendar, as_of, yellow_days)


def deadline_light(due: date, calendar: "WorkCalendar", as_of: date,
                   yellow_days: int = DEFAULT_YELLOW_DAYS) -> tuple[Light, int]:
    """The light of anything due on `due` (a request's reply, an assignment's part) on `as_of`
    and the working days left (negative once past): red past `due`, yellow with `yellow_days`
    or fewer left, green otherwise."""
    remaining = calendar.between(as_of, due).workdays
    if as_of > due:
        return Light.RED, remaining
    if remaining <= yellow_days:
        return Light.YELLOW, remaining
    return Light.GREEN, remaining


def request_light(
    request: Mapping[str, Any],
    consultations: list[Mapping[str, Any]],
    calendar: "WorkCalendar",
    as_of: date,
    yellow_days: int = DEFAULT_YELLOW_DAYS,
) -> dict[str, Any]:
    """One request of the report: the contract's keys, then the extra ones
    (light_label, paused, pause, watch, ceiling, review_limit, content, clerk)."""
    clock = compute_clock(request, consultations, calendar, as_of)
    light, remaining = light_of(clock, calendar, as_of, yellow_days)
    stage = Stage(request["stage"])
    review_limit = None
    if (
        stage is Stage.REVIEW
        and not request.get("supplement_asked_on")
        and as_of <= clock.review_limit
    ):
        review_limit = clock.review_limit
    item = {
        "number": request["number"],
        "applicant": request["applicant"],
        "applicant_type": request["applicant_type"],
        "department": request.get("department"),
        "stage": stage.value,
        "stage_label": stage.label,
        "received": request["received_on"],
        "due": clock.due.isoformat() if clock.due else None,
        "remaining_workdays": remaining,
        "light": light.value,
        "seriously_overdue": bool(clock.ceiling and as_of > clock.ceiling),
        "due_provisional": clock.provisional,
        # extra keys beyond the contract
        "light_label": light.label,
        "applicant_type_label": ApplicantType(request["applicant_type"]).label,
        "paused": clock.paused is not None,
        "pause": clock.paused,
        "watch": clock.watch.isoformat() if clock.watch else None,
        "ceiling": clock.ceiling.isoformat() if clock.ceiling else None,
        "review_limit": review_limit.isoformat() if review_limit else None,
        "content": request.get("content") or "",
        "clerk": request.get("clerk"),
        "handler": request.get("handler"),
    }
    # Reports leave the office's own record (cron logs, e-mail, spreadsheets): any ID or
    # phone number typed into a field is masked, whatever the field.
    return mask_fields(item, MASKED_REPORT_FIELDS)


MASKED_REPORT_FIELDS = ("applicant", "department", "content", "clerk")


def urgency(item: Mapping[str, Any]) -> tuple:
    """Sort key, most urgent first: by light; the seriously overdue first among the red;
    then fewest working days left (most overdue first); paused ones by the date to watch."""
    light = Light(item["light"])
    left = item["remaining_workdays"]
    return (
        LIGHT_ORDER[light],
        not item["seriously_overdue"],
        left if left is not None else 0,
        item["due"] or item["watch"] or "9999-12-31",
        item["received"],
        item["number"],
    )


def overdue_report(
    requests: Iterable[Mapping[str, Any]],
    calendar: "WorkCalendar",
    as_of: date,
    yellow_days: int = DEFAULT_YELLOW_DAYS,
    *,
    lights: Iterable[Light] | None = None,
) -> dict[str, Any]:
    """The overdue report on `as_of` for the given open requests.

    `requests` are rows of requests without an outcome, each with a "consultations" list
    (a department's: as the database query found them, registered or assigned to it).
    Requests received after `as_of` did not exist yet, and those with an outcome by then no
    longer run a clock: both are left out. `lights` narrows what is shown; the counts are
    those of what is shown.
    """
    shown = set(lights) if lights is not None else set(Light)
    items = []
    for row in requests:
        outcome_on = row.get("outcome_on")
        if (outcome_on and outcome_on <= as_of.isoformat()) or row["received_on"] > as_of.isoformat():
            continue
        item = request_light(row, row.get("consultations") or [], calendar, as_of, yellow_days)
        if Light(item["light"]) in shown:
            items.append(item)
    items.sort(key=urgency)
    return {
        "as_of": as_of.isoformat(),
        "counts": light_counts(items),
        "requests": items,
        "yellow_days": yellow_days,
        "seriously_overdue": sum(1 for item in items if item["seriously_overdue"]),
    }


def light_counts(items: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = {light.value: 0 for light in Light}
    for item in items:
        counts[item["light"]] += 1
    return counts
