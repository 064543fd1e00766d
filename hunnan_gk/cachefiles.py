"""The user's cache folder (`commands.common.user_folder("cache")`): small JSON files that
spare work every command would otherwise repeat — a year's statutory holidays
(`holiday_files.cached_statutory`) and what the config file and the holiday override file
hold (`remembered`). A cache only ever saves time: what is read from it is used only from a
regular file of this account that no one else can write, small, of this version and made
from exactly the text at hand; anything else is ignored and the work done afresh, and a cache
that cannot be written is simply not written (docs/security.md).
"""

from __future__ import annotations

import json
import os
import stat
import zlib
from pathlib import Path
from typing import Any, Callable

from hunnan_gk import __version__

MAX_CACHE_BYTES = 1024 * 1024
# Bump when what `remembered` stores changes, or what its readers accept: yamltext.load_yaml
# (limits, repeated keys) and the override file's walk over YAML nodes (holiday_files._read_overrides)
# are skipped for a cached text, everything after them runs as for a fresh one.
REMEMBER_VERSION = 1


def read_private_json(path: Path, max_bytes: int = MAX_CACHE_BYTES) -> Any:
    """The JSON in `path`, or None unless it is a regular file (not a link) of this account,
    writable by no one else, of at most `max_bytes`, and valid UTF-8 JSON."""
    try:
        with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW)) as handle:
            status = os.fstat(handle.fileno())
            if (not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid()
                    or status.st_mode & 0o022 or status.st_size > max_bytes):
                return None
            return json.loads(handle.read(max_bytes + 1).decode("utf-8"))
    except (OSError, ValueError):
        return None


def write_private_json(path: Path, data: Any) -> None:
    """`data` as JSON in `path`, written whole or not at all (replace_atomically), mode 0600
    in a 0700 folder; nothing when it cannot be written or would be over MAX_CACHE_BYTES."""
    try:
        content = json.dumps(data, ensure_ascii=False, allow_nan=False)
        if len(content.encode("utf-8")) > MAX_CACHE_BYTES:
            return
        from hunnan_gk.exports import make_folder, replace_atomically

        make_folder(path.parent)
        replace_atomically(path, lambda temporary: temporary.write_text(content, "utf-8"), private=True)
    except (OSError, ValueError, TypeError):
        pass


def is_plain_json(value: Any) -> bool:
    """Whether `value` is made only of what JSON gives back unchanged: text, whole numbers,
    finite numbers, true/false, null, lists, and mappings with text keys. (YAML also gives
    dates, sets, binary and keys of other types: such a file is parsed every time.)"""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) is list:
        return all(is_plain_json(item) for item in value)
    if type(value) is dict:
        return all(type(key) is str and is_plain_json(item) for key, item in value.items())
    return False


def _yaml_stamp() -> list[Any] | None:
    """Which PyYAML would parse: its folder and the size and time of its files (a new or
    reinstalled PyYAML rewrites them), found without importing it (≈14 ms)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("yaml")
        if spec is None or spec.origin is None:
            return None
        folder = os.path.dirname(spec.origin)
        stamp: list[Any] = [folder]
        for name in sorted(os.listdir(folder)):
            if name == "__init__.py" or name.startswith("_yaml"):
                status = os.stat(os.path.join(folder, name))
                stamp.append([name, status.st_size, status.st_mtime_ns])
        return stamp
    except (OSError, ImportError, ValueError):
        return None


def remembered(kind: str, text: str, cache_dir: Path | None, read: Callable[[], Any],
               use: Callable[[Any], Any] = lambda data: data) -> Any:
    """`use(read())`: `read()` gives what the YAML `text` holds as plain data (JSON types only,
    see is_plain_json), `use` checks it and makes of it what the caller needs. The data comes
    from `cache_dir` instead when this version of hunnan-gk read this very text with this PyYAML
    before: the cache holds the whole text it was made from and serves exactly that text, so an
    edited file is always read afresh. Cached data goes through the same `use` as fresh data,
    and if `use` fails on it, the text is read afresh: a cache can spare PyYAML, never change
    what a file means or which error it gives. An error of `read()` is raised as it is."""
    if cache_dir is None:
        return use(read())
    # One file per text (the CRC only names it: the whole text is compared), so that a few
    # config files used in turn do not keep replacing each other's cache.
    path = Path(cache_dir) / f"parsed-{kind}-{zlib.crc32(text.encode('utf-8')):08x}.json"
    key = {"version": REMEMBER_VERSION, "program": __version__, "yaml": _yaml_stamp(), "text": text}
    cached = read_private_json(path)
    if (isinstance(cached, dict) and key["yaml"] is not None and "data" in cached
            and all(cached.get(name) == value for name, value in key.items())):
        try:
            return use(cached["data"])
        except Exception:  # not what reading the text gives (made by hand?): read it afresh
            pass
    data = read()
    result = use(data)  # checked before it is kept: a file in error is not cached
    if key["yaml"] is not None and is_plain_json(data):
        write_private_json(path, {**key, "data": data})
        _forget_old(path.parent, kind)
    return result


KEPT_PER_KIND = 8


def _forget_old(folder: Path, kind: str) -> None:
    """Keep the KEPT_PER_KIND most recently written files of `kind`: an edited file's
    earlier texts are of no more use."""
    try:
        made = sorted(folder.glob(f"parsed-{kind}-*.json"), key=lambda path: path.stat().st_mtime_ns)
        for path in made[:-KEPT_PER_KIND]:
            path.unlink(missing_ok=True)
    except OSError:
        pass
