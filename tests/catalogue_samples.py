"""A small valid catalogue shared by the catalogue tests (positions in the tests depend on it)."""

HEAD = """\
目录:
  名称: 测试目录
  编制单位: 浑南区人民政府办公室
  更新日期: 2024-07-26
渠道: [政府网站, 政务新媒体]
事项:
"""
# line 7 onwards: one valid item; its keys sit at column 5, its values at column 5 + len(key) + 2
ITEM = """\
  - 编号: "HN-001"
    公开事项: 服务事项基本目录
    公开内容: 事项名称、办理条件、申请材料
    公开依据: 《中华人民共和国政府信息公开条例》第二十条
    公开时限: 信息形成或变更之日起20个工作日内
    公开主体: 浑南区营商环境建设局
    公开渠道: [政府网站, 政务新媒体]
    责任单位: 浑南区营商环境建设局
"""
