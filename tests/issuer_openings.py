"""Report openings of every issuer kind, with the metadata expected by reading them (schema.md,
evals/gold/CONVENTIONS.md). Written for tests/test_metadata_issuers.py, not tuned on: a few titles are real
published ones (the URL is cited beside them), the rest of each opening is made up. Data only, so the same
set can be scored on another checkout (bench or a before/after comparison).
"""

BODY = ("一、2023年主要举措和成效\n\n全年审核规范性文件14件，办理行政复议案件9件。\n\n二、存在的不足\n\n"
        "一是执法力量不足；二是普法形式单一。\n\n三、2024年工作安排\n\n一是加强执法监督；二是深化法治宣传。\n")

# (opening, expected fields). Openings carry title, issuer, doc number and header furniture in the ways sites print them.
OPENINGS: list[tuple[str, dict]] = [
    # real title: https://sfj.wuhan.gov.cn/zfxxgk/fdzdgknr/qtzdgknr/fzzf/202403/t20240325_2378477.shtml
    ("武汉市司法局关于2023年度法治政府建设情况的报告\n\n2023年，市司法局坚持依法行政，推动法治政府建设取得新成效。\n",
     dict(title="武汉市司法局关于2023年度法治政府建设情况的报告", issuers=["武汉市司法局"], region="武汉市",
          admin_level="department", doc_number=None, report_year=2023)),
    # real title: https://sfj.gz.gov.cn/ztlm/zzfu/sfyw/content/post_9451173.html
    ("广州市司法局关于2023年度法治政府建设情况的报告\n\n2023年，广州市司法局坚持以习近平新时代中国特色社会主义思想为指导。\n",
     dict(title="广州市司法局关于2023年度法治政府建设情况的报告", issuers=["广州市司法局"], region="广州市",
          admin_level="department", doc_number=None, report_year=2023)),
    # real title: http://xxgk.sxgp.gov.cn/xzjd/gpbcb/fdzdgknr/gzdt/202602/t20260203_2317052.shtml
    ("北城街街道办事处2025年法治政府建设年度报告\n\n2025年，北城街街道办事处坚持依法行政，各项工作取得阶段性成效。\n",
     dict(title="北城街街道办事处2025年法治政府建设年度报告", issuers=["北城街街道办事处"], region="北城街街道",
          admin_level="other", doc_number=None, report_year=2025)),
    # real title: http://www.bjchy.gov.cn/affair/fzzfjsbg/4028805a956492ea0195651de72a008b.html
    ("东湖街道2024年度法治政府建设情况报告\n\n2024年，东湖街道积极贯彻习近平法治思想，深入推进法治政府建设。\n",
     dict(title="东湖街道2024年度法治政府建设情况报告", issuers=None, region="东湖街道", admin_level="other",
          doc_number=None, report_year=2024)),
    # real header and title: http://www.tjjh.gov.cn/jhqzf/zwgk_28985/zfxxgk_qzf1/qzf1/fdzdgknr2/qtfdgkxx2/202403/t20240328_6583952.html
    ("静海区2023年度法治政府建设情况报告\n来源:静海区人民政府办公室 发布时间:2024-03-28 09:18\n\n静海区2023年度法治政府建设情况报告\n\n"
     "2023年，静海区坚持以习近平新时代中国特色社会主义思想为指导。\n",
     dict(title="静海区2023年度法治政府建设情况报告", issuers=None, region="静海区", admin_level="county",
          doc_number=None, report_year=2023)),
    # real title: https://zm.sm-tc.cn (清水县人民政府, 2024-01-08 policy reading citing the report)
    ("清水县人民政府关于清水县2023年度法治政府建设工作总结的报告\n\n2023年，我县坚持依法行政。\n",
     dict(title="清水县人民政府关于清水县2023年度法治政府建设工作总结的报告", issuers=["清水县人民政府"], region="清水县",
          admin_level="county", doc_number=None, report_year=2023)),
    # real title: http://www.xuwen.gov.cn/xxgk/ndfzzfjsbg/content/post_1854461.html
    ("下洋镇2023年法治政府建设年度报告\n\n2023年以来，下洋镇坚持以习近平新时代中国特色社会主义思想为指导。\n",
     dict(title="下洋镇2023年法治政府建设年度报告", issuers=None, region="下洋镇", admin_level="other",
          doc_number=None, report_year=2023)),
    # real page head and title: http://www.tjjh.gov.cn/jhqzf/zwgk_28985/gzbg/202103/t20210329_5396867.html
    ("您所在的位置:政务公开 > 工作报告\n\n2020年静海区法治政府建设情况报告\n文章来源:司法局 更新时间:2021/03/29 11:30:01\n\n"
     "2020年静海区法治政府建设情况报告\n\n2020年，静海区坚持以习近平新时代中国特色社会主义思想为指导。\n",
     dict(title="2020年静海区法治政府建设情况报告", issuers=None, region="静海区", admin_level="county",
          doc_number=None, report_year=2020)),
    # made up from here on
    ("青山省交通运输厅\n青交法〔2024〕3号\n青山省交通运输厅关于2023年法治政府部门建设情况的报告\n\n省人民政府：\n\n2023年，省交通运输厅坚持依法行政。\n",
     dict(title="青山省交通运输厅关于2023年法治政府部门建设情况的报告", issuers=["青山省交通运输厅"], region="青山省",
          admin_level="department", doc_number="青交法〔2024〕3号", report_year=2023)),
    ("关于白河市生态环境局2023年度法治政府建设工作情况的报告\n\n2023年，市生态环境局坚持依法行政。\n",
     dict(title="关于白河市生态环境局2023年度法治政府建设工作情况的报告", issuers=["白河市生态环境局"], region="白河市",
          admin_level="department", doc_number=None, report_year=2023)),
    ("2023年度白河市市场监督管理局法治政府建设情况报告\n\n2023年，我局深入推进依法行政。\n",
     dict(title="2023年度白河市市场监督管理局法治政府建设情况报告", issuers=["白河市市场监督管理局"], region="白河市",
          admin_level="department", doc_number=None, report_year=2023)),
    ("青山县住房和城乡建设局2023年法治政府建设年度报告\n\n2023年，县住建局坚持依法行政。\n",
     dict(title="青山县住房和城乡建设局2023年法治政府建设年度报告", issuers=["青山县住房和城乡建设局"], region="青山县",
          admin_level="department", doc_number=None, report_year=2023)),
    ("青山县人民政府办公室关于2023年度法治政府建设情况的报告\n\n2023年，县政府办公室坚持依法行政。\n",
     dict(title="青山县人民政府办公室关于2023年度法治政府建设情况的报告", issuers=["青山县人民政府办公室"], region="青山县",
          admin_level="department", doc_number=None, report_year=2023)),
    ("南屿综合实验区交通与建设局2023年法治政府建设年度报告\n\n2023年，我局坚持依法行政。\n",
     dict(title="南屿综合实验区交通与建设局2023年法治政府建设年度报告", issuers=["南屿综合实验区交通与建设局"],
          region="南屿综合实验区", admin_level="department", doc_number=None, report_year=2023)),
    ("关于滨江新区经济发展局2023年度法治政府建设情况的报告\n\n2023年，新区经济发展局坚持依法行政。\n",
     dict(title="关于滨江新区经济发展局2023年度法治政府建设情况的报告", issuers=["滨江新区经济发展局"], region="滨江新区",
          admin_level="department", doc_number=None, report_year=2023)),
    ("白河经济技术开发区财政局2023年度法治政府建设情况报告\n\n2023年，我局坚持依法理财。\n",
     dict(title="白河经济技术开发区财政局2023年度法治政府建设情况报告", issuers=["白河经济技术开发区财政局"],
          region="白河经济技术开发区", admin_level="department", doc_number=None, report_year=2023)),
    ("滨江新区管委会关于2023年度法治政府建设情况的报告\n\n2023年，新区坚持依法行政。\n",
     dict(title="滨江新区管委会关于2023年度法治政府建设情况的报告", issuers=["滨江新区管委会"], region="滨江新区",
          admin_level="other", doc_number=None, report_year=2023)),
    ("青山县东林镇人民政府关于2023年法治政府建设工作的报告\n\n县人民政府：\n\n2023年，东林镇坚持依法行政。\n",
     dict(title="青山县东林镇人民政府关于2023年法治政府建设工作的报告", issuers=["青山县东林镇人民政府"],
          region="青山县东林镇", admin_level="other", doc_number=None, report_year=2023)),
    ("中共红岩乡委员会 红岩乡人民政府\n关于2023年度法治政府建设情况的报告\n\n2023年，红岩乡坚持依法行政。\n",
     dict(title="中共红岩乡委员会红岩乡人民政府关于2023年度法治政府建设情况的报告", issuers=["中共红岩乡委员会", "红岩乡人民政府"],
          region="红岩乡", admin_level="other", doc_number=None, report_year=2023)),
    ("白河市青山区松林街道办事处关于2023年度法治政府建设情况的报告\n\n2023年，松林街道坚持依法行政。\n",
     dict(title="白河市青山区松林街道办事处关于2023年度法治政府建设情况的报告", issuers=["白河市青山区松林街道办事处"],
          region="白河市青山区松林街道", admin_level="other", doc_number=None, report_year=2023)),
    ("白河县西山片区管理局2023年法治政府建设情况报告\n\n2023年，西山片区坚持依法行政。\n",
     dict(title="白河县西山片区管理局2023年法治政府建设情况报告", issuers=["白河县西山片区管理局"], region="白河县西山片区",
          admin_level="other", doc_number=None, report_year=2023)),
    ("青峰山风景名胜区管理局关于2023年度法治政府建设情况的报告\n\n2023年，我局坚持依法行政。\n",
     dict(title="青峰山风景名胜区管理局关于2023年度法治政府建设情况的报告", issuers=["青峰山风景名胜区管理局"],
          region="青峰山风景名胜区", admin_level="other", doc_number=None, report_year=2023)),
    ("中共白河县委 白河县人民政府\n关于2023年度法治政府建设情况的报告\n\n市委、市政府：\n\n2023年，白河县坚持依法行政。\n",
     dict(title="中共白河县委白河县人民政府关于2023年度法治政府建设情况的报告", issuers=["中共白河县委", "白河县人民政府"],
          region="白河县", admin_level="county", doc_number=None, report_year=2023)),
    ("中共青山市委青山市人民政府关于2023年度法治政府建设情况的报告\n\n省委、省政府：\n\n2023年，青山市坚持依法行政。\n",
     dict(title="中共青山市委青山市人民政府关于2023年度法治政府建设情况的报告", issuers=["中共青山市委", "青山市人民政府"],
          region="青山市", admin_level="city", doc_number=None, report_year=2023)),
    ("中共青山县委全面依法治县委员会办公室关于2023年度法治建设工作情况的报告\n\n2023年，县委依法治县办统筹推进法治建设。\n",
     dict(title="中共青山县委全面依法治县委员会办公室关于2023年度法治建设工作情况的报告",
          issuers=["中共青山县委全面依法治县委员会办公室"], region="青山县", admin_level="department", doc_number=None,
          report_year=2023)),
]


