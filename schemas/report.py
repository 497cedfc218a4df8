"""The output contract (../shared/spec/schema.md), defined once.

Every extracted item carries `Evidence`: a verbatim quote plus `[start, end)` character offsets into the
*original* file text. Field descriptions double as instructions for the model (the per-call response
models in `schemas/responses.py` reuse the same `Category`/`Indicator` types and descriptions).
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

Category = Literal[
    "leadership_coordination",
    "government_functions",
    "rules_and_normative_documents",
    "decision_making",
    "law_enforcement",
    "emergency_response",
    "dispute_resolution",
    "oversight_transparency",
    "digital_government",
    "legal_capacity_publicity",
    "other",
]

CATEGORY_HELP = (
    "leadership_coordination=党的领导/第一责任人/统筹协调/督察/考核/示范创建/年度报告; "
    "government_functions=政府职能/放管服/营商环境/权责清单/政务服务/证明事项; "
    "rules_and_normative_documents=立法/规章/行政规范性文件/合法性审核/备案/清理; "
    "decision_making=重大行政决策/公众参与/专家论证/法律顾问/公职律师; "
    "law_enforcement=执法体制改革/综合执法/三项制度/执法人员/重点领域执法/包容审慎; "
    "emergency_response=突发事件应对/应急预案/疫情防控; "
    "dispute_resolution=信访/人民调解/行政调解/行政裁决/行政复议/行政应诉/公共法律服务; "
    "oversight_transparency=人大政协监察审计司法监督/政府督查/执法监督/政务公开/政务诚信; "
    "digital_government=数字政府/互联网+政务服务/一网通办/数据共享; "
    "legal_capacity_publicity=学法/培训/考试/普法/法治宣传; other=none of the above"
)

Indicator = Literal[
    "admin_reconsideration_received",
    "admin_reconsideration_accepted",
    "admin_reconsideration_concluded",
    "admin_reconsideration_corrected",
    "admin_reconsideration_correction_rate",
    "admin_litigation_cases",
    "admin_litigation_concluded",
    "admin_litigation_lost",
    "admin_litigation_loss_rate",
    "agency_head_court_appearances",
    "agency_head_court_appearance_rate",
    "normative_documents_issued",
    "normative_documents_filed",
    "normative_documents_reviewed",
    "normative_documents_repealed",
    "major_decisions",
    "legality_reviews",
    "admin_penalty_cases",
    "fines_and_confiscations",
    "enforcement_officers_certified",
    "gov_service_items",
    "mediation_cases",
    "mediation_success_rate",
    "legal_aid_cases",
    "info_disclosure_requests",
    "exec_meeting_law_study_sessions",
]

# The five parts every report must cover (督察工作规定, 2019), plus `none` for anything else.
RequiredPart = Literal["measures", "shortcomings", "leadership", "plans", "other", "none"]
REQUIRED_PARTS: tuple[str, ...] = ("measures", "shortcomings", "leadership", "plans", "other")

AdminLevel = Literal["province", "city", "county", "department", "other"]

Alignment = Literal["exact", "fuzzy", "span"]
DecidedBy = Literal["model", "rules"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(Strict):
    """A verbatim quote and where it stands in the original file."""

    quote: str = Field(description="Verbatim text copied from the report.")
    start: int = Field(ge=0, description="Offset of the first character in the original file text.")
    end: int = Field(ge=0, description="Offset one past the last character in the original file text.")
    alignment: Alignment = Field(
        "span",
        description="How the span was found: `span` = an item code segmented itself (exact by construction), "
        "`exact` = a model quote found verbatim after normalization, `fuzzy` = found by fuzzy matching.",
    )
    page: Optional[int] = Field(None, ge=1, description="For a PDF: the page (1-based) the quote starts on.")

    @model_validator(mode="after")
    def _ordered(self) -> "Evidence":
        if self.end < self.start:
            raise ValueError(f"evidence end {self.end} < start {self.start}")
        return self


class Source(Strict):
    file: str
    sha256: str = Field(description="sha256 of the original file's bytes.")
    encoding: str
    chars: int
    format: Optional[str] = Field(
        None, description="The document the text was read from (pdf, docx, doc, html); null for a text file, "
        "whose own text the offsets point into.")
    text_sha256: Optional[str] = Field(
        None, description="For a document: sha256 of the text layer (UTF-8) the offsets point into, kept beside "
        "the output as texts/<file>.txt.")


class Metadata(Strict):
    title: Optional[str] = Field(None, description="The report's own title line, spaces removed.")
    issuers: Optional[list[str]] = Field(None, description="Issuing bodies, in order.")
    region: Optional[str] = Field(None, description="The place the report covers, as printed, e.g. 湖北省, 威海市, 成都市武侯区, 小龙门乡.")
    admin_level: Optional[AdminLevel] = None
    report_year: Optional[int] = Field(None, description="The year reported on.")
    doc_number: Optional[str] = Field(None, description="Document number as printed, e.g. 济政文〔2023〕9号.")
    signers: Optional[list[str]] = Field(None, description="签发人.")
    recipients: Optional[list[str]] = Field(None, description="主送 bodies, one entry each.")
    issue_date: Optional[date] = Field(None, description="The date the report is dated (ISO).")
    printed_date: Optional[date] = Field(None, description="The date of the …印发/印 line (ISO).")


class Section(Strict):
    heading: str = Field(description="Heading text as printed (without markdown #).")
    level: int = Field(ge=1, description="1 = 一、, 2 = （一）, 3 = 1., 4 = （1）, 5 = ① (一是 items are never sections).")
    ordinal: Optional[int] = Field(None, description="The heading's number within its level, 1-based.")
    path: str = Field(description="Heading path, e.g. 一/（三）.")
    part: RequiredPart = Field("none", description="Required part a top-level section maps to.")
    decided_by: Literal["rules", "model"] = Field(
        "rules", description="Who decided `part`: the rules, or one model call where the rules could not."
    )
    evidence: Evidence = Field(description="The heading line's span.")
    body: Optional[Evidence] = Field(None, description="Span of the whole section, heading included.")


class Item(Strict):
    summary: str = Field(description="One short Chinese sentence (≤ 60 characters) in the report's own terms.")
    summary_terms: Optional[list[str]] = Field(
        None, description="Gold only: 1–4 verbatim pieces of the quote any faithful summary must carry (scored by "
        "key-term recall, evals/gold/CONVENTIONS.md); absent in outputs.")
    section: Optional[str] = Field(None, description="Heading path of the section the item stands in, e.g. 一/（三）.")
    evidence: Evidence
    decided_by: Optional[DecidedBy] = Field(
        None, description="`model` when a model call's answer decided the item's category/summary/cause; `rules` "
        "when the model call for this item failed and the rules backend's category and summary stand in (a "
        "`model_failed` note in `quality` names it); absent when no model was asked (the rules decided).")


class Measure(Item):
    category: Category = Field(description=CATEGORY_HELP)


class Plan(Item):
    category: Category = Field(description=CATEGORY_HELP)


class Problem(Item):
    cause: Optional[str] = Field(None, description="The cause the report states for this shortcoming, else null.")
    cause_evidence: Optional[Evidence] = None


class Rectification(Item):
    problem: Optional[int] = Field(None, description="Index into `problems` of the shortcoming it fixes, if stated.")


class LeadershipDuty(Item):
    pass


class Metric(Strict):
    name: str = Field(description="What is counted, in Chinese, specific enough to stand alone (行政复议案件受理数).")
    value: float
    unit: Optional[str] = Field(None, description="Unit as printed: 件, %, 亿元, 人次.")
    approx: bool = Field(False, description="True for 余/多/近/约/超 and the like.")
    value_base: float = Field(description="Value in base unit: 20.65亿元 → 2065000000; 83.3% → 0.833.")
    base_unit: Optional[str] = Field(None, description="元 for money, ratio for percentages, else the unit.")
    indicator: Optional[Indicator] = Field(
        None, description="Indicator key, only for the jurisdiction's own report-year total of that thing."
    )
    evidence: Evidence
    decided_by: Optional[DecidedBy] = Field(
        None, description="`model` when a model call named or keyed this quantity; `rules` when the model was to "
        "name it but its call failed; absent when no model was asked (the rules named it).")


class PartCoverage(Strict):
    present: bool
    sections: list[str] = Field(default_factory=list, description="Heading paths covering the part.")


class Compliance(Strict):
    measures: PartCoverage
    shortcomings: PartCoverage
    leadership: PartCoverage
    plans: PartCoverage
    other: PartCoverage


class QualityNote(Strict):
    kind: str = Field(
        description="header_truncated | text_truncated | page_gap | encoding_repaired | ungrounded_item | "
        "section_failed | metadata_from_header (a metadata value taken from the web page's header or info block, "
        "not the report's own lines) | …"
    )
    message: str
    section: Optional[str] = None
    quote: Optional[str] = None


class CallRecord(Strict):
    kind: str
    section: Optional[str] = None
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = Field(0, description="Prompt tokens served from the backend's prefix cache.")
    cached: bool = False
    seconds: float = 0.0
    ok: bool = True


class RunInfo(Strict):
    backend: str
    model: Optional[str] = None
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    calls: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    cost: Optional[float] = None
    tool_version: Optional[str] = None
    call_log: list[CallRecord] = Field(default_factory=list)


class Report(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    labeling: Optional[str] = Field(None, alias="_labeling", description="Gold files only: how it was labelled.")
    source: Source
    metadata: Metadata
    sections: list[Section] = Field(default_factory=list)
    leadership_duties: list[LeadershipDuty] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    rectifications: list[Rectification] = Field(default_factory=list)
    plans: list[Plan] = Field(default_factory=list)
    compliance: Compliance
    quality: list[QualityNote] = Field(default_factory=list)
    run: Optional[RunInfo] = None
    # A document's text layer (PDF, Word, web page), which the offsets point into: written beside the output
    # (pipeline.write_report), never into the JSON; None for a text file and for a report read back.
    _text_layer: Optional[str] = PrivateAttr(default=None)

    def dump(self) -> dict:
        """The output JSON: nulls kept (a field the report does not state is null), but the gold-only
        `_labeling` note and an item's `decided_by` appear only when set."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=False)
        if data.get("_labeling") is None:
            data.pop("_labeling", None)
        for key in ("leadership_duties", "measures", "metrics", "problems", "rectifications", "plans"):
            for item in data.get(key) or ():
                for key in ("decided_by", "summary_terms"):
                    if item.get(key) is None:
                        item.pop(key, None)
        _drop_null_pages(data)
        return data


def _drop_null_pages(node) -> None:
    """An evidence's `page` appears only for a PDF: elsewhere a null on every quote says nothing."""
    if isinstance(node, dict):
        if node.get("page", 0) is None and "quote" in node:
            node.pop("page")
        for value in node.values():
            _drop_null_pages(value)
    elif isinstance(node, list):
        for value in node:
            _drop_null_pages(value)
