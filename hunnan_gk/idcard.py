"""The codes that name an applicant: the 居民身份证号码 (GB 11643-1999) and the
统一社会信用代码 of an organisation (GB 32100-2015), checked by python-stdnum
(stdnum.cn.ric, stdnum.cn.uscc: length, characters, check character, and for an ID number
a real birth date and region). Pure: a problem in Chinese, or None."""

from __future__ import annotations

_PROBLEMS = {
    "InvalidLength": "应为 18 位",
    "InvalidFormat": "含有不应出现的字符",
    "InvalidChecksum": "校验码不对",
    "InvalidComponent": "出生日期或地区码不存在",
}


def _problem(value: str, module) -> str | None:
    from stdnum.exceptions import ValidationError

    try:
        module.validate(value)
    except ValidationError as exc:
        return _PROBLEMS.get(type(exc).__name__, "无效")
    return None


def id_number_problem(value: str) -> str | None:
    """Why `value` is not a valid 18-character ID number, in Chinese; None when it is."""
    from stdnum.cn import ric

    problem = _problem(value.strip().upper(), ric)
    return f"{problem}（GB 11643）" if problem else None


def credit_code_problem(value: str) -> str | None:
    """Why `value` is not a valid 统一社会信用代码, in Chinese; None when it is."""
    from stdnum.cn import uscc

    problem = _problem(value.strip().upper(), uscc)
    return f"{problem}（GB 32100）" if problem else None
