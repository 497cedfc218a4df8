"""Indicator keys from the table in facts/indicators.py: one sentence per row, none from a seed, and the
general rules (negation, nearest subject, 其中, one key per report)."""

from __future__ import annotations

import pytest

from extractor.facts.indicators import TABLE
from extractor.facts.indicators import key_indicators
from extractor.facts.names import name_quantities
from extractor.facts.quantities import find_quantities
from extractor.text.normalize import normalize


def keys(text: str) -> dict[str, str | None]:
    norm = normalize(text)
    return {q.quote: q.indicator for q in key_indicators(norm, name_quantities(norm, find_quantities(norm)))}


ROWS = [
    ("admin_reconsideration_corrected", "全县复议机关审结案件中，行政复议决定撤销9件。", "9件"),
    ("admin_reconsideration_concluded", "本年度行政复议案件审结63件。", "63件"),
    ("admin_reconsideration_accepted", "县政府全年受理行政复议申请71件。", "71件"),
    ("admin_reconsideration_received", "县司法局新收行政复议申请80件。", "80件"),
    ("agency_head_court_appearances", "全县行政机关负责人出庭应诉案件19宗。", "19宗"),
    ("admin_litigation_concluded", "行政诉讼案件已审结40件。", "40件"),
    ("admin_litigation_lost", "行政诉讼案件中败诉2件。", "2件"),
    ("admin_litigation_cases", "全县新收一审行政诉讼案件57件。", "57件"),
    ("legality_reviews", "对县政府议定事项和协议开展合法性审查66件。", "66件"),
    ("normative_documents_repealed", "县政府宣布废止的规范性文件12件。", "12件"),
    (None, "县政府清理规范性文件140件。", "140件"),
    ("normative_documents_reviewed", "审查乡镇报送备案的规范性文件8件。", "8件"),
    ("normative_documents_filed", "向市政府报备规范性文件6件。", "6件"),
    ("normative_documents_issued", "县政府印发规范性文件11件。", "11件"),
    ("normative_documents_reviewed", "审查规范性文件28件。", "28件"),
    ("major_decisions", "县政府作出重大行政决策7项。", "7项"),
    ("admin_penalty_cases", "全县办理行政处罚案件1502件。", "1502件"),
    ("fines_and_confiscations", "全县罚没款共计860万元。", "860万元"),
    ("gov_service_items", "全县共梳理政务服务事项1327项。", "1327项"),
    ("mediation_cases", "人民调解组织调解矛盾纠纷3204件。", "3204件"),
    ("legal_aid_cases", "全年办结法律援助案件412件。", "412件"),
    ("info_disclosure_requests", "县政府受理信息公开申请37件。", "37件"),
    ("enforcement_officers_certified", "全县持证行政执法人员1180人。", "1180人"),
    ("exec_meeting_law_study_sessions", "县政府常务会议会前学法12次。", "12次"),
]


def test_every_table_row_has_a_sentence_here():
    assert {row.key for row in TABLE} == {key for key, _, _ in ROWS}


@pytest.mark.parametrize("key, text, quote", ROWS, ids=[f"{k}:{q}" for k, _, q in ROWS])
def test_each_table_row_keys_its_sentence(key, text, quote):
    assert keys(text)[quote] == key


def test_a_negated_verb_gives_no_key():
    got = keys("全年收到行政复议申请103件，不予受理12宗，受理91宗。")
    assert got == {"103件": "admin_reconsideration_received", "12宗": None, "91宗": "admin_reconsideration_accepted"}
    assert keys("行政复议案件未办结5件。")["5件"] is None


def test_the_nearest_subject_decides_and_a_compound_keeps_its_head():
    got = keys("全县新收行政诉讼案件45件，行政机关负责人出庭应诉案件19宗。")
    assert got == {"45件": "admin_litigation_cases", "19宗": "agency_head_court_appearances"}


def test_a_subject_stated_earlier_in_the_sentence_carries_to_a_bare_verb():
    assert keys("县复议机关全年收到申请120件，受理91宗。")["91宗"] == "admin_reconsideration_accepted"


def test_a_breakdown_after_qizhong_gets_no_key_but_an_outcome_does():
    got = keys("全县办理行政复议案件88件，其中县政府办结30件，撤销4件。")
    assert got["88件"] == "admin_reconsideration_accepted"
    assert got["30件"] is None
    assert got["4件"] == "admin_reconsideration_corrected"


def test_a_narrowed_subject_is_no_total():
    assert keys("全县办理重大行政处罚案件46件。")["46件"] is None
    assert keys("人民调解组织调解成功矛盾纠纷300件。")["300件"] is None


def test_a_key_is_kept_once_by_the_largest_count():
    got = keys("乡镇办理行政复议案件12件。全县办理行政复议案件96件。")
    assert got == {"12件": None, "96件": "admin_reconsideration_accepted"}


def test_rates_by_their_name_or_as_the_share_of_a_keyed_count():
    assert keys("行政复议纠错率为8.2%。")["8.2%"] == "admin_reconsideration_correction_rate"
    assert keys("行政诉讼案件败诉3件，占比4.1%。")["4.1%"] == "admin_litigation_loss_rate"
    assert keys("行政机关负责人出庭应诉率达到96%。")["96%"] == "agency_head_court_appearance_rate"
    assert keys("行政机关负责人出庭应诉率同比提高5%。")["5%"] is None
