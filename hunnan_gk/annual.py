"""The annual report's tables as plain data (条例第49条; 国办公开办函〔2021〕30号; domain.md §6).

Section 三 (收到和处理政府信息公开申请情况): rows are derived from `vocab.Outcome` (the outcome
codes ARE the rows), columns from `vocab.ApplicantType` plus 总计. The table states its own
check, 一 + 二 = 三（七）总计 + 四, in every column; `AnnualTable.unbalanced_columns` names the
columns where it fails. Section 四 (行政复议、行政诉讼) is derived from `AppealKind`/`AppealResult`.

Pure: counts come in as plain mappings (storage counts them in SQLite), data goes out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from hunnan_gk.vocab import AppealKind, AppealResult, ApplicantType, Channel, Outcome

TOTAL = "total"
SUMMARY_LABEL = "各机关汇总"
TOTAL_LABEL = "总计"
#: The official table's header over the five organisation columns (domain.md §5).
ORGANISATION_HEADER = "法人或其他组织"
APPLICANT_HEADER = "申请人情况"
CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
SECTION_TITLE = "三、收到和处理政府信息公开申请情况"
APPEALS_TITLE = "四、政府信息公开行政复议、行政诉讼情况"

#: Column keys in the official order: the applicant types, then 总计.
COLUMNS: tuple[str, ...] = tuple(t.value for t in ApplicantType) + (TOTAL,)
COLUMN_LABELS: dict[str, str] = {t.value: t.label for t in ApplicantType} | {TOTAL: TOTAL_LABEL}

NEW = "new"
CARRIED_OVER = "carried_over"
CARRIED_FORWARD = "carried_forward"
RESULTS_HEADER = "三、本年度办理结果"
ROW_LABELS: dict[str, str] = {
    NEW: "一、本年新收政府信息公开申请数量",
    CARRIED_OVER: "二、上年结转政府信息公开申请数量",
    TOTAL: "（七）总计",
    CARRIED_FORWARD: "四、结转下年度继续办理",
}

#: Section 四's columns for each appeal kind: the results, then 尚未审结 and 总计.
PENDING = "pending"
APPEAL_COLUMNS: tuple[str, ...] = tuple(r.value for r in AppealResult) + (PENDING, TOTAL)
APPEAL_COLUMN_LABELS: dict[str, str] = {r.value: r.label for r in AppealResult} | {
    PENDING: "尚未审结",
    TOTAL: TOTAL_LABEL,
}


@dataclass(frozen=True)
class Row:
    """One line of section 三. A group header （三）…（六） has `key` None and no values."""

    key: str | None
    label: str
    values: Mapping[str, int] | None
    group: str | None = None  # for an outcome item: its group label, e.g. （三）不予公开

    @property
    def is_header(self) -> bool:
        return self.values is None


@dataclass(frozen=True)
class AnnualTable:
    year: int
    rows: tuple[Row, ...]  # every line in the official order, group headers included
    appeals: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    organ: str | None = None  # the organ (答复机关) whose report this is
    summary_of: tuple[str, ...] = ()  # a summary over these organs (then `organ` is None)
    narrative: Mapping[str, object] | None = None  # the figures of the report's text (issue 14)
    fees: Mapping[str, int] | None = None  # 六: the fee notices and the fees charged

    @property
    def heading(self) -> str:
        """"浑南区人民政府 2024年度", or "2024年度（汇总：A、B）" for a summary over organs."""
        if self.summary_of:
            return f"{self.year}年度（{SUMMARY_LABEL}：{'、'.join(self.summary_of)}）"
        return f"{self.organ} {self.year}年度" if self.organ else f"{self.year}年度"

    def value_rows(self) -> list[Row]:
        """The rows that carry numbers (new, carried_over, each outcome, total, carried_forward)."""
        return [row for row in self.rows if not row.is_header]

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def unbalanced_columns(self) -> list[str]:
        """Columns where 一 + 二 ≠ 三（七）总计 + 四 (the table's own check)."""
        return unbalanced_columns(self)

    @property
    def balanced(self) -> bool:
        return not self.unbalanced_columns()


def _with_total(counts: Mapping[str, int] | None) -> dict[str, int]:
    counts = counts or {}
    values = {t.value: int(counts.get(t.value, 0)) for t in ApplicantType}
    values[TOTAL] = sum(values.values())
    return values


def outcome_lines() -> list[Row]:
    """（一）…（六） in the order of `Outcome`, with a header line before each group's first item.

    Rows carry no values here; `build_table` fills them."""
    lines: list[Row] = []
    seen_groups: set[str] = set()
    for outcome in Outcome:
        if outcome.group is not None and outcome.group not in seen_groups:
            seen_groups.add(outcome.group)
            lines.append(Row(None, outcome.group, None))
        lines.append(Row(outcome.value, outcome.label, {}, outcome.group))
    return lines


def build_table(
    year: int,
    *,
    new: Mapping[str, int],
    carried_over: Mapping[str, int],
    results: Mapping[str, Mapping[str, int]],
    carried_forward: Mapping[str, int],
    appeals: Mapping[str, Mapping[str, int]] | None = None,
    organ: str | None = None,
    summary_of: tuple[str, ...] = (),
) -> AnnualTable:
    """Section 三 (and 四) from counts per applicant type.

    `results` maps an outcome code to counts per applicant type; the 总计 column and the
    （七）总计 row are computed here, never taken from the caller."""
    unknown = set(results) - {o.value for o in Outcome}
    if unknown:
        raise ValueError(f"unknown outcome codes: {sorted(unknown)}")
    rows: list[Row] = [
        Row(NEW, ROW_LABELS[NEW], _with_total(new)),
        Row(CARRIED_OVER, ROW_LABELS[CARRIED_OVER], _with_total(carried_over)),
        Row(None, RESULTS_HEADER, None),
    ]
    totals = dict.fromkeys(COLUMNS, 0)
    for line in outcome_lines():
        if line.is_header:
            rows.append(line)
            continue
        values = _with_total(results.get(line.key))
        for column in COLUMNS:
            totals[column] += values[column]
        rows.append(Row(line.key, line.label, values, line.group))
    rows.append(Row(TOTAL, ROW_LABELS[TOTAL], totals))
    rows.append(Row(CARRIED_FORWARD, ROW_LABELS[CARRIED_FORWARD], _with_total(carried_forward)))
    return AnnualTable(year, tuple(rows), build_appeals(appeals or {}), organ=organ,
                       summary_of=tuple(summary_of))


def unbalanced_columns(table: AnnualTable) -> list[str]:
    """Column keys where new + carried_over ≠ total + carried_forward; [] when the table holds.

    Reads the rows as given (not recomputing the total), so a hand-made table is checked too."""
    rows = {row.key: row.values for row in table.rows if row.key in ROW_LABELS}
    missing = [key for key in ROW_LABELS if key not in rows]
    if missing:
        raise ValueError(f"table lacks rows: {missing}")
    return [
        column
        for column in COLUMNS
        if rows[NEW].get(column, 0) + rows[CARRIED_OVER].get(column, 0)
        != rows[TOTAL].get(column, 0) + rows[CARRIED_FORWARD].get(column, 0)
    ]


def balance_message(table: AnnualTable) -> str:
    """The Chinese sentence naming every column where the check fails."""
    parts = []
    rows = {row.key: row.values for row in table.rows if row.key in ROW_LABELS}
    for column in table.unbalanced_columns():
        left = rows[NEW][column] + rows[CARRIED_OVER][column]
        right = rows[TOTAL][column] + rows[CARRIED_FORWARD][column]
        parts.append(f"“{COLUMN_LABELS[column]}”列 一+二={left}，（七）总计+四={right}")
    return "年度报告表勾稽关系不成立：" + "；".join(parts)


def build_appeals(counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Section 四: for each appeal kind, decided by result, pending, and their total."""
    section: dict[str, dict[str, int]] = {}
    for kind in AppealKind:
        given = counts.get(kind.value, {})
        values = {column: int(given.get(column, 0)) for column in APPEAL_COLUMNS if column != TOTAL}
        values[TOTAL] = sum(values.values())
        section[kind.value] = values
    return section


def to_dict(table: AnnualTable) -> dict:
    """The JSON contract of `report annual` (issue 6): rows in the official order, group headers
    left out, then section 四 and the check."""
    return {
        "year": table.year,
        "columns": list(COLUMNS),
        "rows": [
            {"key": row.key, "label": row.label, "values": dict(row.values)}
            for row in table.value_rows()
        ],
        "appeals": {kind: dict(values) for kind, values in table.appeals.items()},
        "balanced": table.balanced,
        "organ": table.organ,  # issue 14: the organ, or None for a summary over organs
        "summary_of": list(table.summary_of) or None,
        "narrative": dict(table.narrative) if table.narrative is not None else None,
        "fees": dict(table.fees) if table.fees is not None else None,
    }


# --- the figures offices write into the report's text (issue 14) -------------------------

#: The channels the narrative lists first, in the reports' order (大东区 2023: “其中依申请公开
#: 平台36件、邮寄15件、当面申请27件”); any other channel follows in vocab order.
_NARRATIVE_FIRST = (Channel.ONLINE, Channel.POST, Channel.LETTER, Channel.IN_PERSON)
#: Code → the words the reports use (`Channel.report_label`), in the narrative's order.
NARRATIVE_CHANNELS: dict[str, str] = {
    channel.value: channel.report_label
    for channel in (*_NARRATIVE_FIRST, *(c for c in Channel if c not in _NARRATIVE_FIRST))
}


def build_narrative(table: AnnualTable, *, by_channel: Mapping[str, int], on_time: int,
                    late: int) -> dict[str, object]:
    """The text's figures, from the table itself (so text and table never disagree) and the
    receipts by channel and replies by timeliness counted beside it."""
    return {
        "received": table.row(NEW).values[TOTAL],
        "by_channel": {code: int(by_channel.get(code, 0)) for code in NARRATIVE_CHANNELS},
        "replied": table.row(TOTAL).values[TOTAL],
        "on_time": on_time,
        "late": late,
        "carried_forward": table.row(CARRIED_FORWARD).values[TOTAL],
    }


def narrative_sentences(narrative: Mapping[str, object], fees: Mapping[str, int]) -> list[str]:
    """The sentences offices write: 本年共收到政府信息公开申请N件，其中网上申请…；按期答复N件…；
    本年度发出收费通知N件，收取信息处理费N元 / 未收取信息处理费."""
    received = narrative["received"]
    channels = [f"{NARRATIVE_CHANNELS[code]}{n}件" for code, n in narrative["by_channel"].items() if n]
    if received:
        first = f"本年共收到政府信息公开申请{received}件，其中{'、'.join(channels)}。"
    else:
        first = "本年未收到政府信息公开申请。"
    second = (f"本年度办结{narrative['replied']}件，其中按期答复{narrative['on_time']}件、"
              f"逾期答复{narrative['late']}件；结转下年度继续办理{narrative['carried_forward']}件。")
    if fees["amount_paid"]:
        third = f"本年度发出收费通知{fees['notices']}件，收取信息处理费{fees['amount_paid']}元。"
    elif fees["notices"]:
        third = f"本年度发出收费通知{fees['notices']}件，未收取信息处理费。"
    else:
        third = "本年度未收取信息处理费。"
    return [first, second, third]


def grid(table: AnnualTable) -> list[list[str | int]]:
    """Section 三 as plain lines (label, then one cell per column; blanks on group headers),
    the shape CSV, markdown and the terminal table share."""
    lines: list[list[str | int]] = []
    for row in table.rows:
        label = row.label
        if row.is_header:
            lines.append([label] + [""] * len(COLUMNS))
        else:
            lines.append([label] + [row.values[column] for column in COLUMNS])
    return lines


def appeals_grid(table: AnnualTable) -> list[list[str | int]]:
    """Section 四 as lines: one per appeal kind, a cell per result column."""
    return [
        [kind.label] + [table.appeals[kind.value][column] for column in APPEAL_COLUMNS]
        for kind in AppealKind
    ]

