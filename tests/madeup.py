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


WEB_TOP = """当前位置 : 首页 > 信息公开 > 法治政府建设年度报告

发文机关: 清河县人民政府
成文日期: 2024年03月20日
发文字号: 清政〔2024〕7号
所属单位: 清河县人民政府

• 来源: 清河县司法局
• 发布时间: 2024-03-28 09:15
【字体: 大 中 小】

"""
WEB_BOTTOM = """
【打印本页】【关闭窗口】
打印
关闭
分享到: 微信 微博 QQ空间
"""


def web(text: str) -> str:
    """The report as copied from a site: breadcrumb, info block, bullets and widgets around it, half-width
    commas, colons and semicolons in the body."""
    body = text.translate(str.maketrans({"，": ",", "：": ":", "；": ";"}))
    return WEB_TOP + body + WEB_BOTTOM
