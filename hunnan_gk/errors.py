"""One error family; each carries the exit code documented in the README.

Exit codes: 0 done, 1 refused or failed, 2 usage, 3 database problem,
4 a report's --fail-on threshold was reached.
"""

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_THRESHOLD = 4


class GkError(Exception):
    """A message for the clerk, in Chinese, and the exit code that goes with it."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class Refused(GkError):
    """A rule of the regulation or of the workflow refuses the command (exit 1)."""

    exit_code = EXIT_REFUSED


class InputError(GkError):
    """A value the clerk typed cannot be understood (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigError(GkError):
    """The config or override file is unreadable or wrong (exit 2)."""

    exit_code = EXIT_USAGE


class DatabaseError(GkError):
    """The database cannot be opened, is not ours, is newer, or is damaged (exit 3)."""

    exit_code = EXIT_DATABASE


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Chinese."""
    import errno

    reasons = {
        errno.ENOENT: "文件或目录不存在",
        errno.EACCES: "没有权限",
        errno.EPERM: "没有权限",
        errno.EISDIR: "这是一个目录",
        errno.ENOTDIR: "路径中有一段不是目录",
        errno.ENOSPC: "磁盘空间不足",
        errno.EROFS: "文件系统只读",
        errno.EEXIST: "文件已存在",
        errno.ECONNREFUSED: "连接被拒绝",
        errno.ETIMEDOUT: "连接超时",
        errno.EHOSTUNREACH: "主机不可达",
        errno.ENETUNREACH: "网络不可达",
        errno.ECONNRESET: "连接被对方重置",
        errno.EBUSY: "文件正被占用",
        errno.ETXTBSY: "文件正被占用",
        errno.EMFILE: "打开的文件过多",
        errno.ENAMETOOLONG: "文件名过长",
        errno.ELOOP: "符号链接层数过多",
        errno.EXDEV: "不能跨文件系统移动",
        errno.EDQUOT: "超出磁盘配额",
        errno.EFBIG: "文件过大",
        errno.EIO: "读写设备出错",
        errno.EINVAL: "参数无效（文件名中可能含有不允许的字符）",
    }
    if exc.errno in reasons:
        return reasons[exc.errno]
    if exc.errno is None and str(exc):  # raised by the tool itself with its own words (UnsafeTarget)
        return str(exc)
    # The OS's own words are English; the error's code is what an administrator can look up.
    code = errno.errorcode.get(exc.errno) if exc.errno is not None else None
    return f"系统错误 {code}" if code else "系统错误"
