"""How long validating a 10,000-item catalogue takes (issue 5: about a second).

Run from the repository root: PYTHONPATH=. python benchmarks/catalogue_validate.py
"""

from __future__ import annotations

import time

from hunnan_gk.catalogue import check_text

ITEM = """  - 编号: "HN-{n:05d}"
    类别: 营商环境
    公开事项: 服务事项第{n}项
    公开内容: 事项名称、设定依据、办理条件、申请材料、办理流程、办理时限、收费标准和咨询电话
    公开依据: 《中华人民共和国政府信息公开条例》第二十条
    公开时限: 信息形成或变更之日起20个工作日内
    公开主体: 浑南区营商环境建设局
    公开渠道: [政府网站, 政务新媒体]
    责任单位: 浑南区营商环境建设局
    更新日期: 2024-07-01
"""
HEAD = """目录:
  名称: 基准目录
  编制单位: 浑南区人民政府办公室
  更新日期: 2024-07-26
渠道: [政府网站, 政务新媒体]
事项:
"""


def main(count: int = 10_000) -> None:
    text = HEAD + "".join(ITEM.format(n=n) for n in range(count))
    started = time.perf_counter()
    checked = check_text(text, "bench.yaml")
    elapsed = time.perf_counter() - started
    print(f"{checked.item_count} items, {len(checked.problems)} problems, {elapsed:.2f} s")


if __name__ == "__main__":
    main()
