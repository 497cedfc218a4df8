"""Response models for the per-item model calls: what the model is asked to return, and nothing more.

The model never returns offsets or numbers: evidence comes from the item's own span (segmented by code)
or, for the one free quote (a cause inside a problem item), from grounding the quote against the source.
JSON Schema for each call is generated from these models.
"""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.report import CATEGORY_HELP, Category, Indicator, RequiredPart

SUMMARY_MAX = 40  # the grammar stops a small model from copying the whole item into its summary


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("summary", mode="before", check_fields=False)
    @classmethod
    def _short(cls, value):
        # A summary is one short sentence; a 1.5B model sometimes runs on, so clip rather than fail the call.
        if isinstance(value, str):
            value = value.strip().strip("。；;").strip()
            return value[:SUMMARY_MAX]
        return value


class MeasureAnswer(_Answer):
    """One measure item: its category and a short summary."""

    category: Category = Field(description=CATEGORY_HELP)
    summary: str = Field(max_length=SUMMARY_MAX, description="概括这一条举措的一句简短中文（不超过30字），用报告原话，不要编造数字。")


class PlanAnswer(_Answer):
    """One item of next year's plans: its category and a short summary."""

    category: Category = Field(description=CATEGORY_HELP)
    summary: str = Field(max_length=SUMMARY_MAX, description="概括这一条工作安排的一句简短中文（不超过30字），用报告原话。")


class SummaryAnswer(_Answer):
    """A measure or plan whose category code already knows (hybrid categories): only its summary."""

    summary: str = Field(max_length=SUMMARY_MAX, description="概括这一条的一句简短中文（不超过30字），用报告原话，不要编造数字。")


class ProblemAnswer(_Answer):
    """One shortcoming: a short summary and, if the text states why, the cause copied verbatim."""

    summary: str = Field(max_length=SUMMARY_MAX, description="概括这一条不足的一句简短中文（不超过30字），用报告原话。")
    cause_quote: Optional[str] = Field(
        None, description="条目中说明原因的原文（逐字复制）；条目没有说明原因则为 null。"
    )


class RectificationAnswer(_Answer):
    """One stated fix for a shortcoming."""

    summary: str = Field(max_length=SUMMARY_MAX, description="概括这一条整改措施的一句简短中文（不超过30字），用报告原话。")


class LeadershipAnswer(_Answer):
    """One sentence (chosen by code) on what the top leaders did as 第一责任人: a short summary."""

    summary: str = Field(max_length=SUMMARY_MAX, description="概括这句话中党政主要负责人做了什么的一句简短中文（不超过30字）。")


class MetricName(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int = Field(description="数字的编号 [n]。")
    name: str = Field(description="这个数字统计的是什么（中文名称，能独立看懂，如 行政复议案件受理数）。")
    indicator: Optional[Indicator] = Field(
        None, description="仅当它是本地区本年度该指标的总数时填写指标键，否则为 null。"
    )

    @field_validator("name", mode="before")
    @classmethod
    def _short_name(cls, value):
        return value.strip()[:24] if isinstance(value, str) else value


class MetricsAnswer(BaseModel):
    """Names for the numbered quantities in one sentence."""

    model_config = ConfigDict(extra="ignore")
    metrics: list[MetricName] = Field(default_factory=list)


class PartAnswer(BaseModel):
    """Which required part one top-level section is, when the rules could not tell (structure.parts)."""

    model_config = ConfigDict(extra="ignore")
    part: RequiredPart = Field(
        description="measures 主要举措和成效（本年度做了什么）| shortcomings 存在的不足和原因 | leadership 党政主要负责人履行"
        "第一责任人职责情况 | plans 下一年度工作安排 | other 其他需要报告的情况 | none 都不是"
    )
    reason: str = Field("", max_length=SUMMARY_MAX, description="一句简短理由（不超过20字）。")

    @field_validator("reason", mode="before")
    @classmethod
    def _short(cls, value):
        return value.strip()[:SUMMARY_MAX] if isinstance(value, str) else value


RESPONSE_MODELS: dict[str, type[BaseModel]] = {
    "measures": MeasureAnswer,
    "plans": PlanAnswer,
    "problems": ProblemAnswer,
    "rectifications": RectificationAnswer,
    "leadership": LeadershipAnswer,
    "metrics": MetricsAnswer,
    "parts": PartAnswer,
}
