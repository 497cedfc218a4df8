"""Reports as published, made in code from a made-up report (no seed's place or text): a PDF printed by
chromium (running header, `— N —` page numbers, its look-alike radicals), a Word .docx by python-docx, and a
government-site web page with its furniture, in UTF-8 and in GBK."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest

# A county report in the usual five-part layout, with long paragraphs that wrap and numbers that may fall at
# a line's start (`99%`, `97.3%`) when printed.
REPORT = """青松县人民政府关于2023年度法治政府建设情况的报告

青政文〔2024〕5号

市人民政府：

2023年，青松县人民政府在市委、市政府的坚强领导下，深入学习贯彻习近平法治思想，全面落实法治政府建设实施纲要，持续推进依法行政，各项工作取得了新的进展。现将有关情况报告如下：

一、2023年度法治政府建设主要举措和成效

（一）加强党对法治政府建设的领导

县政府主要负责人认真履行推进法治建设第一责任人职责，全年主持召开县政府常务会议专题研究法治政府建设工作6次，组织县政府常务会议会前学法12次，将法治政府建设纳入全县高质量发展综合考核，考核结果作为领导班子和领导干部评先评优的重要依据，层层压实各级各部门的法治建设责任。

（二）持续优化政府职能和营商环境

一是深化行政审批制度改革，全面梳理县级行政许可事项清单，共保留行政许可事项286项，承诺办结时限平均压缩62.5%，企业开办时间压缩至0.5个工作日以内。二是推进政务服务标准化建设，县乡村三级政务服务事项网上可办率达到98.6%，全年办理各类政务服务事项15.8万件，群众满意率保持在99%以上。三是加强涉企服务，为市场主体减税降费1.27亿元，帮助企业解决融资、用工等实际困难43个。

（三）规范行政决策和规范性文件管理

严格落实重大行政决策程序规定，全年作出重大行政决策8项，均履行了公众参与、专家论证、风险评估、合法性审查和集体讨论决定等法定程序。对县政府及其部门制发的行政规范性文件全部进行合法性审核，共审核规范性文件21件，向市政府和县人大常委会报备21件，报备率和及时率均达到100%，清理废止不适应改革发展要求的文件9件。

（四）严格规范公正文明执法

一是全面推行行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度，组织全县行政执法人员参加公共法律知识和专业法律知识培训考试，新取得执法证件的执法人员有137名。二是深入开展行政执法案卷评查活动，共抽查执法案卷320卷，对发现的问题逐一督促整改落实。三是在市场监管、生态环境、交通运输等领域推行包容审慎监管，依法对轻微违法行为免予处罚案件54件。

（五）依法化解社会矛盾纠纷

全县各级人民调解组织共排查调解矛盾纠纷2476件，调解成功率达到97.3%。县政府共收到行政复议申请58件，依法受理52件，审结49件，纠错8件。全年发生行政诉讼案件67件，行政机关负责人出庭应诉率达到100%。

二、存在的不足和原因

一是部分单位对法治政府建设重视程度还不够，工作推进不平衡，主要原因是考核的约束作用发挥还不充分。二是基层执法力量仍然薄弱，执法人员法律素养有待进一步提高。三是法治宣传教育的针对性和实效性还需增强。

三、2024年度工作安排

一是持续深入学习贯彻习近平法治思想，进一步压实党政主要负责人推进法治建设第一责任人职责。二是继续深化放管服改革，持续优化法治化营商环境。三是加强行政执法监督，全面提升行政执法质量和效能。四是扎实推进八五普法，营造办事依法、遇事找法的良好法治氛围。

青松县人民政府
2024年3月15日
"""

PARAGRAPHS = [line for line in REPORT.split("\n") if line.strip()]


def print_html(paragraphs: list[str]) -> str:
    """A page laid out for print: a centred title, indented paragraphs, headings in bold."""
    title, rest = paragraphs[0], paragraphs[1:]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in rest)
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
            "body{font-family:'Noto Serif CJK SC',serif;font-size:16pt;line-height:1.7}"
            "h1{font-size:20pt;text-align:center}p{text-indent:2em;margin:0}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")


def pdf_bytes(paragraphs: list[str] = PARAGRAPHS, repeat: int = 1) -> bytes:
    """The report printed to PDF by chromium (playwright), with a running header and `— N —` page numbers."""
    from reviewfixtures import require_browser

    sync_playwright, exe = require_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.set_content(print_html(paragraphs[:1] + paragraphs[1:] * repeat))
            return page.pdf(format="A4", display_header_footer=True,
                            margin={"top": "30mm", "bottom": "30mm", "left": "25mm", "right": "25mm"},
                            header_template="<div style='font-size:10px;width:100%;text-align:center'>"
                                            "青松县人民政府文件</div>",
                            footer_template="<div style='font-size:12px;width:100%;text-align:center'>"
                                            "— <span class='pageNumber'></span> —</div>")
        finally:
            browser.close()


def docx_bytes(paragraphs: list[str] = PARAGRAPHS) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def web_page(paragraphs: list[str] = PARAGRAPHS, charset: str | None = "utf-8") -> str:
    """The report as a county site publishes it: menus, breadcrumbs, an info line, a footer, a script."""
    title, rest = paragraphs[0], paragraphs[1:]
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    body = "".join(f'<p style="text-indent:2em">{html.escape(p)}</p>' for p in rest)
    return f"""<!DOCTYPE html><html><head>{meta}<title>{html.escape(title)}_青松县人民政府网</title>
<script>var _hmt = _hmt || [];</script></head><body>
<div class="top"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/bsfw/">办事服务</a> <a href="/hdjl/">互动交流</a></div>
<div class="nav">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 法治政府建设</div>
<div class="article"><h1>{html.escape(title)}</h1>
<div class="info">来源：青松县司法局　发布时间：2024-03-28　浏览次数：1024　【字体：大 中 小】</div>
<div class="content">{body}</div>
<div class="tools">【打印本页】【关闭窗口】</div></div>
<div class="footer">主办单位：青松县人民政府办公室　地址：青松县人民路1号　联系电话：0000-1234567<br>
网站标识码：0000000001　某ICP备00000000号</div></body></html>"""


@pytest.fixture(scope="session")
def report_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "qingsong.pdf"
    path.write_bytes(pdf_bytes())
    return path
