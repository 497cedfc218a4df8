"""Small made-up reports (no seed's place, text or layout) for the structure tests: a plain county report
and helpers that rewrite it the way real copies differ (traditional script, a web page)."""

from __future__ import annotations

PLAIN = """清河县人民政府关于2023年度法治政府建设情况的报告

市人民政府：

2023年，清河县坚持以习近平法治思想为指导，扎实推进法治政府建设。现将有关情况报告如下：

一、2023年法治政府建设主要举措

（一）深化政务服务改革

一是精简审批事项，全年取消审批事项12项。二是推行告知承诺制，办理承诺事项350件。

（二）规范行政执法

一是全面推行行政执法三项制度。二是开展执法案卷评查，评查案卷86卷。

二、存在的不足

一是执法队伍专业化水平不高；二是基层法治力量薄弱。

三、2024年工作安排

一是持续优化营商环境；二是加强执法监督。

清河县人民政府

2024年3月20日
"""


def traditional(text: str) -> str:
    import opencc

    out = opencc.OpenCC("s2t").convert(text)
    assert len(out) == len(text)
    return out
