"""A small hand-made report and its gold, for scoring and eval tests that must not wait for real gold.

The text is a shortened 济源 report (seed 000's header, invented body); every evidence span is found in it,
so the gold is grounded by construction.
"""

from __future__ import annotations

import hashlib
from datetime import date

from schemas.report import (
    Compliance, Evidence, LeadershipDuty, Measure, Metadata, Metric, PartCoverage, Plan, Problem, Report, Section,
    Source,
)

SOURCE = """# 济源市人民政府文件

济政文〔2023〕9号

签发人：庄建球

## 济源市人民政府关于2022年度法治政府建设情况的报告

省人民政府：

### 一、主要举措和成效

一是深入学习贯彻习近平法治思想，组织4次市政府常务会会前学法。
二是深化放管服改革，政务服务事项1523项全部网上可办。
三是加强行政复议工作，全年受理行政复议案件128件，纠错率12.5%。
四是推进综合行政执法改革，培训执法人员300余人次。

### 二、存在的不足和原因

一是法治宣传形式较为单一。二是执法人员素质有待提高，原因是培训不够。

### 三、党政主要负责人履行推进法治建设第一责任人职责情况

市政府主要负责同志主持召开法治政府建设专题会议3次。

### 四、2023年工作安排

一是加强领导干部法治培训；二是推进数字政府建设。

济源市人民政府
2023年3月1日
"""


def ev(quote: str, nth: int = 0) -> Evidence:
    """Evidence for the nth occurrence of `quote` in SOURCE."""
    start = -1
    for _ in range(nth + 1):
        start = SOURCE.index(quote, start + 1)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def _metric(name, quote, value, unit, value_base, base_unit, approx=False, indicator=None) -> Metric:
    return Metric(name=name, value=value, unit=unit, approx=approx, value_base=value_base, base_unit=base_unit,
                  indicator=indicator, evidence=ev(quote))


def _covered(*paths: str) -> PartCoverage:
    return PartCoverage(present=bool(paths), sections=list(paths))


def gold_report() -> Report:
    measure_quotes = [
        ("leadership_coordination", "深入学习贯彻习近平法治思想", "一是深入学习贯彻习近平法治思想，组织4次市政府常务会会前学法。"),
        ("government_functions", "深化放管服改革", "二是深化放管服改革，政务服务事项1523项全部网上可办。"),
        ("dispute_resolution", "加强行政复议工作", "三是加强行政复议工作，全年受理行政复议案件128件，纠错率12.5%。"),
        ("law_enforcement", "推进综合行政执法改革", "四是推进综合行政执法改革，培训执法人员300余人次。"),
    ]
    return Report(
        labeling="hand-made fixture",
        source=Source(file="fixture.txt", sha256=hashlib.sha256(SOURCE.encode("utf-8")).hexdigest(), encoding="utf-8",
                      chars=len(SOURCE)),
        metadata=Metadata(
            title="济源市人民政府关于2022年度法治政府建设情况的报告", issuers=["济源市人民政府"], region="济源市",
            admin_level="city", report_year=2022, doc_number="济政文〔2023〕9号", signers=["庄建球"],
            recipients=["省人民政府"], issue_date=date(2023, 3, 1), printed_date=None,
        ),
        sections=[Section(heading=h, level=1, ordinal=i + 1, path="一二三四"[i], part=part, evidence=ev(h))
                  for i, (h, part) in enumerate([("一、主要举措和成效", "measures"), ("二、存在的不足和原因", "shortcomings"),
                                                 ("三、党政主要负责人履行推进法治建设第一责任人职责情况", "leadership"),
                                                 ("四、2023年工作安排", "plans")])],
        measures=[Measure(category=c, summary=s, summary_terms=[s[2:]], section="一", evidence=ev(q)) for c, s, q in measure_quotes],
        metrics=[
            _metric("市政府常务会会前学法次数", "4次", 4, "次", 4, "次", indicator="exec_meeting_law_study_sessions"),
            _metric("网上可办政务服务事项数", "1523项", 1523, "项", 1523, "项", indicator="gov_service_items"),
            _metric("行政复议案件受理数", "128件", 128, "件", 128, "件", indicator="admin_reconsideration_accepted"),
            _metric("行政复议纠错率", "12.5%", 12.5, "%", 0.125, "ratio", indicator="admin_reconsideration_correction_rate"),
            _metric("执法人员培训人次", "300余人次", 300, "人次", 300, "人次", approx=True),
            _metric("法治政府建设专题会议次数", "3次", 3, "次", 3, "次"),
        ],
        problems=[
            Problem(summary="法治宣传形式较为单一", summary_terms=["法治宣传", "单一"], section="二",
                    evidence=ev("一是法治宣传形式较为单一。")),
            Problem(summary="执法人员素质有待提高", summary_terms=["执法人员素质"], cause="培训不够",
                    cause_evidence=ev("培训不够"), section="二", evidence=ev("二是执法人员素质有待提高，原因是培训不够。")),
        ],
        leadership_duties=[LeadershipDuty(summary="主要负责同志主持召开法治政府建设专题会议", summary_terms=["专题会议"], section="三",
                                          evidence=ev("市政府主要负责同志主持召开法治政府建设专题会议3次。"))],
        plans=[
            Plan(category="legal_capacity_publicity", summary="加强领导干部法治培训", summary_terms=["领导干部法治培训"],
                 section="四", evidence=ev("一是加强领导干部法治培训")),
            Plan(category="digital_government", summary="推进数字政府建设", summary_terms=["数字政府"], section="四",
                 evidence=ev("二是推进数字政府建设。")),
        ],
        compliance=Compliance(measures=_covered("一"), shortcomings=_covered("二"), leadership=_covered("三"),
                              plans=_covered("四"), other=_covered()),
    )


def copy(report: Report) -> Report:
    return report.model_copy(deep=True)
