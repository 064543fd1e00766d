"""The layers, read from the source with `ast` (docs/architecture.md): arrows only point down.

- A core module (the rules: working days, the clock, the stages, the catalogue, the figures)
  imports no framework, no database, no mail, no spreadsheet library, and nothing of the shell
  (cli, commands, storage, render, services, config); nor does it read the clock: `today` is a
  parameter.
- No import cycle among hunnan_gk modules.
- A command parses, calls and renders: no SQL, no database opened by hand.

Every import counts, at the top of a module or inside a function, except those under
`if TYPE_CHECKING:` (never run). The checker is run on small synthetic packages too, each
breaking one rule, so a rule that could not fail would show here."""

from __future__ import annotations

import ast
import functools
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import PROJECT

PACKAGE = "hunnan_gk"
#: The rules of the office, in modules (or packages) that must stay pure; whichever exist. The
#: first line is issue 10's list; then the pure modules added since.
CORE = ("workdays", "clock", "workflow", "catalogue", "reports", "annual", "ledger", "fees", "privacy",
        "idcard", "numbering", "vocab", "dates", "yamltext", "audit",
        "views", "safetext", "textcheck", "assignments", "departments", "alerts", "catalogue_publish", "catalogue_import",
        "textwidth", "organs", "performance", "applicants", "letters", "undo")
#: What a core module may not import: libraries (and their submodules) ...
FORBIDDEN_LIBRARIES = ("typer", "click", "rich", "sqlite_utils", "sqlite3", "smtplib", "openpyxl", "docx",
                       "docxtpl")
#: ... and the shell of the package (and its submodules).
FORBIDDEN_SHELL = ("cli", "commands", "storage", "render", "services", "config")
COMMANDS = "commands"
#: Reading the clock: `date.today()`, `datetime.now()` and the like.
CLOCK_CALLS = {("date", "today"), ("datetime", "today"), ("datetime", "now"), ("datetime", "utcnow"),
               ("time", "time"), ("time", "localtime"), ("time", "gmtime")}
#: SQL in a string: a statement's shape, not a lone English word.
SQL = re.compile(
    r"\bSELECT\s+[\w*(),.'\"\s=<>!?+-]+?\s+FROM\s+[A-Za-z_]|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(?:CREATE|DROP)\s+(?:TEMP\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\b|\bALTER\s+TABLE\b|\bPRAGMA\s+\w+"
    r"|\bBEGIN\s+(?:IMMEDIATE|EXCLUSIVE|DEFERRED|TRANSACTION)\b|^\s*(?:COMMIT|ROLLBACK)\s*;?\s*$",
    re.IGNORECASE,
)
OPENING_CALLS = {"connect", "Database"}  # sqlite3.connect, sqlite_utils.Database
EXECUTING_CALLS = {"execute", "executemany", "executescript"}


# --- the checker -------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    importer: str  # dotted name of the importing module
    target: str  # the absolute dotted name imported
    line: int


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package whose folder is `root`, by dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(tree: ast.AST):
    """Every node, except the bodies of `if TYPE_CHECKING:` (their `else:` does run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend([node.test, *node.orelse])
        else:
            stack.extend(ast.iter_child_nodes(node))


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """What module `name` imports anywhere in its file, as absolute dotted names. `from x import y`
    names x.y, except where x is a plain module of the package (y is then a name in it) or lies
    outside the package (x is what is imported: `from rich.markup import escape` → rich.markup)."""
    is_package = path.name == "__init__.py"
    found = []
    for node in _nodes(_parse(path)):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the importer's package, one level up per extra dot
                parts = name.split(".")
                parts = parts[: len(parts) - node.level + is_package]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            inside = _within(base, name.split(".")[0])
            plain_module = base in modules and modules[base].name != "__init__.py"
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                named = sub if inside and (sub in modules or not plain_module) else base
                found.append(Import(name, named, node.lineno))
    return found


def _within(target: str, name: str) -> bool:
    return target == name or target.startswith(name + ".")


def clock_reads(path: Path) -> list[tuple[int, str]]:
    """Calls that read the clock: `date.today()`, `datetime.now()`, `time.time()`, ..."""
    found = []
    for node in _nodes(_parse(path)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (owner_name, node.func.attr) in CLOCK_CALLS:
                found.append((node.lineno, f"{owner_name}.{node.func.attr}()"))
    return found


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def database_work(path: Path) -> list[tuple[int, str]]:
    """SQL in a string (docstrings aside), and calls that open or query a database directly."""
    tree = _parse(path)
    docstrings = _docstrings(tree)
    found = []
    for node in _nodes(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and SQL.search(node.value)):
            found.append((node.lineno, f"SQL {node.value.strip()[:40]!r}"))
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in OPENING_CALLS or (isinstance(func, ast.Attribute) and called in EXECUTING_CALLS):
                found.append((node.lineno, f"{called}()"))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: each strongly connected group of two or more modules (or a module
    importing itself), as one cycle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(_cycle_through(sorted(group), graph))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _cycle_through(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One cycle inside a strongly connected group, from its first member back to it."""
    members, start = set(group), group[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph.get(node, set()) & members):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    return group


def import_graph(package: str, modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the package's modules it imports. Importing a.b.c runs a/__init__ and a/b/__init__
    first, so those count too, unless they are packages the importer sits in (already running)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imp in imports_of(name, path, modules):
            if not _within(imp.target, package):
                continue
            parts = imp.target.split(".")
            for depth in range(1, len(parts) + 1):
                target = ".".join(parts[:depth])
                if target in modules and target != name and not _within(name, target):
                    graph[name].add(target)
    return graph


def check(root: Path, package: str) -> list[str]:
    """Every breach of the layers in the package at `root`, one line each; empty when sound."""
    modules = modules_of(root, package)
    problems = []
    core = [f"{package}.{name}" for name in CORE]
    shell = [f"{package}.{name}" for name in FORBIDDEN_SHELL]
    for name, path in modules.items():
        where = path.relative_to(root.parent)
        if any(_within(name, c) for c in core):
            for imp in imports_of(name, path, modules):
                if any(_within(imp.target, banned) for banned in (*FORBIDDEN_LIBRARIES, *shell)):
                    problems.append(f"{where}:{imp.line}: core module {name} imports {imp.target}")
            for line, call in clock_reads(path):
                problems.append(f"{where}:{line}: core module {name} reads the clock: {call}")
        if _within(name, f"{package}.{COMMANDS}"):
            for imp in imports_of(name, path, modules):
                if any(_within(imp.target, library) for library in ("sqlite3", "sqlite_utils")):
                    problems.append(f"{where}:{imp.line}: command module {name} imports {imp.target}")
            for line, what in database_work(path):
                problems.append(f"{where}:{line}: command module {name} does database work: {what}")
    for cycle in cycles(import_graph(package, modules)):
        problems.append("import cycle: " + " → ".join(cycle))
    return problems


# --- the real package ----------------------------------------------------------------------


def test_hunnan_gk_keeps_its_layers():
    problems = check(PROJECT / PACKAGE, PACKAGE)
    assert not problems, "\n".join(problems)


def test_the_checker_sees_the_real_package():
    modules = modules_of(PROJECT / PACKAGE, PACKAGE)
    present = [name for name in CORE if f"{PACKAGE}.{name}" in modules]
    assert {"workdays", "workflow", "vocab", "catalogue", "reports"} <= set(present)
    assert any(name.startswith(f"{PACKAGE}.{COMMANDS}.") for name in modules)
    graph = import_graph(PACKAGE, modules)
    assert f"{PACKAGE}.vocab" in graph[f"{PACKAGE}.workflow"]  # a function-level import is an edge


def test_every_module_that_says_it_is_pure_is_checked_as_core():
    """A module whose docstring calls it pure is held to it: the list above cannot fall behind."""
    modules = modules_of(PROJECT / PACKAGE, PACKAGE)
    claiming = {name.removeprefix(f"{PACKAGE}.") for name, path in modules.items()
                if re.search(r"\bPure\b", ast.get_docstring(_parse(path)) or "")}
    missing = sorted(claiming - set(CORE))
    assert claiming and not missing, f"pure by their docstrings, so add them to CORE: {missing}"


# --- the checker on packages that break each rule -----------------------------------------


def make_package(root: Path, files: dict[str, str]) -> Path:
    """A package `pkg` under `root` from {relative path: source}; each folder gets an __init__."""
    package = root / "pkg"
    for relative, source in {"__init__.py": "", **files}.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in path.relative_to(package).parents:
            (package / folder / "__init__.py").touch()
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return package


CLEAN = {
    "vocab.py": "import enum\n",
    "workflow.py": """
        from typing import TYPE_CHECKING

        from pkg.vocab import enum

        if TYPE_CHECKING:
            from pkg.storage.db import Database  # types only: never runs


        def advance(row, today):
            from pkg import vocab  # a function-level import of another core module is fine
            return today
    """,
    "storage/db.py": "import sqlite3\nimport sqlite_utils\n\ndef open_db(path):\n    return sqlite3.connect(path)\n",
    "render/table.py": "from rich.markup import escape\n",
    "commands/requests.py": '''
        """SELECT nothing FROM here: a docstring may say anything."""
        import typer

        from pkg import workflow
        from pkg.storage import db

        HELP = "选择一项：按 --from 指定的日期 select from 列表"


        def advance(number):
            database = db.open_db("gk.db")
            return workflow.advance(database, None)
    ''',
}


def test_a_clean_package_passes(tmp_path):
    assert check(make_package(tmp_path, CLEAN), "pkg") == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"workflow.py": "from rich.markup import escape\n"}, "core module pkg.workflow imports rich.markup"),
        ({"workdays.py": "def f():\n    import sqlite_utils\n"}, "core module pkg.workdays imports sqlite_utils"),
        ({"clock.py": "import sqlite3\n"}, "core module pkg.clock imports sqlite3"),
        ({"reports.py": "import smtplib\n"}, "core module pkg.reports imports smtplib"),
        ({"annual.py": "from openpyxl import Workbook\n"}, "core module pkg.annual imports openpyxl"),
        ({"catalogue.py": "import typer.core\n"}, "core module pkg.catalogue imports typer.core"),
        ({"ledger.py": "from pkg.storage.db import open_db\n"}, "core module pkg.ledger imports pkg.storage.db"),
        ({"fees.py": "from . import render\n"}, "core module pkg.fees imports pkg.render"),
        ({"privacy.py": "from .services import run\n"}, "core module pkg.privacy imports pkg.services"),
        ({"vocab.py": "def f():\n    from pkg import cli\n"}, "core module pkg.vocab imports pkg.cli"),
        ({"numbering.py": "from pkg.commands.common import Env\n"},
         "core module pkg.numbering imports pkg.commands.common"),
        ({"audit/chain.py": "import pkg.config\n"}, "core module pkg.audit.chain imports pkg.config"),
        ({"dates.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    pass\nelse:\n    import rich\n"},
         "core module pkg.dates imports rich"),
    ],
)
def test_a_core_module_importing_the_shell_or_a_framework_fails(tmp_path, files, expected):
    problems = check(make_package(tmp_path, {**CLEAN, **files}), "pkg")
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    "source",
    ["from datetime import date\ndef f():\n    return date.today()\n",
     "import datetime\nx = datetime.datetime.now()\n",
     "import time\ndef f():\n    return time.time()\n"],
)
def test_a_core_module_reading_the_clock_fails(tmp_path, source):
    problems = check(make_package(tmp_path, {**CLEAN, "idcard.py": source}), "pkg")
    assert len(problems) == 1 and "core module pkg.idcard reads the clock" in problems[0], problems


@pytest.mark.parametrize(
    ("files", "cycle"),
    [
        ({"a.py": "import pkg.b\n", "b.py": "def f():\n    from pkg import a\n"}, "pkg.a → pkg.b → pkg.a"),
        ({"a.py": "from pkg.b import x\n", "b.py": "from pkg.c import y\n", "c.py": "from . import a\n"},
         "pkg.a → pkg.b → pkg.c → pkg.a"),
        ({"a.py": "from pkg.sub.leaf import x\n", "sub/__init__.py": "from pkg import a\n", "sub/leaf.py": ""},
         "pkg.a → pkg.sub → pkg.a"),
    ],
)
def test_an_import_cycle_fails(tmp_path, files, cycle):
    problems = check(make_package(tmp_path, {**CLEAN, **files}), "pkg")
    assert f"import cycle: {cycle}" in problems, problems


def test_imports_under_type_checking_make_no_cycle(tmp_path):
    files = {"a.py": "import pkg.b\n",
             "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"}
    assert check(make_package(tmp_path, {**CLEAN, **files}), "pkg") == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('def f(db):\n    return db.query("select count(*) from requests")\n', "SQL 'select count(*) from requests'"),
        ('Q = """\n    INSERT INTO events (a) VALUES (?)\n"""\n', "SQL 'INSERT INTO events"),
        ('def f(db, n):\n    db.conn.execute(f"UPDATE requests SET stage = {n!r}")\n', "SQL 'UPDATE requests SET"),
        ('def f(db):\n    db.execute(QUERY)\n', "execute()"),
        ("import sqlite3\ndef f(path):\n    return sqlite3.connect(path)\n", "connect()"),
        ("import sqlite_utils\ndef f(path):\n    return sqlite_utils.Database(path)\n", "Database()"),
        ("from sqlite_utils import Database\ndef f(path):\n    return Database(path)\n", "Database()"),
    ],
)
def test_a_command_doing_database_work_fails(tmp_path, source, expected):
    problems = check(make_package(tmp_path, {**CLEAN, "commands/reports.py": source}), "pkg")
    assert any("command module pkg.commands.reports" in p and expected in p for p in problems), problems


def test_a_command_importing_sqlite_fails(tmp_path):
    problems = check(make_package(tmp_path, {**CLEAN, "commands/db.py": "def f():\n    import sqlite3\n"}), "pkg")
    assert problems == ["pkg/commands/db.py:2: command module pkg.commands.db imports sqlite3"]
