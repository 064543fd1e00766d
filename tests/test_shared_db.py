"""Issue 12 item 5: several OS accounts, one database — the real deployment (docs/deployment.md).

As root (CI runs as root) the test creates a group and accounts, a setgid data folder of that
group, and has two clerks' accounts register and advance on the same database at the same
time; a third account outside the group is refused in Chinese. Skipped when not root.
It also fills a tiny tmpfs (root may mount one) to see a full disk end in Chinese.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from tests.helpers import PROJECT

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("groupadd"),
    reason="creates OS accounts: runs as root (as under CI)",
)

REQUESTS_EACH = 3


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


class Account:
    def __init__(self, name: str, group: str | None):
        self.name = name
        entry = pwd.getpwnam(name)
        self.uid, self.gid = entry.pw_uid, entry.pw_gid
        self.groups = [grp.getgrnam(group).gr_gid] if group else []


class Site:
    """The shared machine: accounts, the folder they share, and how they run hunnan-gk."""

    def __init__(self, root: Path, python: str, path: str):
        self.root, self.python, self.pythonpath = root, python, path
        self.data = root / "data"

    def env(self, account: Account, **extra: str) -> dict[str, str]:
        home = self.root / "home" / account.name
        return {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": self.pythonpath,
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "HUNNAN_GK_DB": str(self.data / "gk.db"),
            "HUNNAN_GK_CONFIG": str(self.root / "config.yaml"),
            "HUNNAN_GK_TODAY": "2024-04-10",
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
            **extra,
        }

    def popen(self, account: Account, script: str, **extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            ["bash", "-c", script], user=account.uid, group=account.gid,
            extra_groups=account.groups, env=self.env(account, GK=f"{self.python} -m hunnan_gk", PY=self.python, **extra),
            cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def gk(self, account: Account, *args: str) -> subprocess.CompletedProcess:
        process = subprocess.run(
            [self.python, "-m", "hunnan_gk", *args], user=account.uid, group=account.gid,
            extra_groups=account.groups, env=self.env(account), cwd=self.root,
            capture_output=True, text=True, timeout=120,
        )
        return process


def _importable(python: str, path: str, account: Account, cwd: Path) -> bool:
    try:
        done = subprocess.run([python, "-c", "import hunnan_gk.cli"], user=account.uid, group=account.gid,
                              extra_groups=account.groups, env={"PYTHONPATH": path, "HOME": str(cwd)},
                              cwd=cwd, capture_output=True, timeout=60)
    except OSError:  # the interpreter itself is out of the account's reach
        return False
    return done.returncode == 0


def _interpreter(account: Account, root: Path) -> tuple[str, str]:
    """A Python the accounts can run, and the PYTHONPATH that gives it this checkout and its
    dependencies: the venv's own interpreter, else the system's of the same version (the venv
    may live under /root, which other accounts cannot enter); the checkout and the packages
    are copied to `root` when the accounts cannot read them where they are."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    pythons = [sys.executable] + [p for p in (f"/usr/bin/{version}", f"/usr/local/bin/{version}")
                                  if os.path.exists(p)]
    packages = sysconfig.get_paths()["purelib"]
    where = f"{PROJECT}{os.pathsep}{packages}"
    for python in pythons:
        if _importable(python, where, account, root):
            return python, where
    staged = root / "python"
    shutil.copytree(PROJECT / "hunnan_gk", staged / "project" / "hunnan_gk")
    shutil.copytree(packages, staged / "packages", symlinks=True)
    for folder, _, _ in os.walk(staged):
        os.chmod(folder, 0o755)
    where = f"{staged / 'project'}{os.pathsep}{staged / 'packages'}"
    for python in pythons:
        if _importable(python, where, account, root):
            return python, where
    pytest.skip("no Python interpreter the test accounts can run")


@pytest.fixture(scope="module")
def site():
    tag = f"{os.getpid() % 100000}"
    group, names = f"gkgroup{tag}", [f"gka{tag}", f"gkb{tag}", f"gkc{tag}"]
    root = Path(tempfile.mkdtemp(prefix="hunnan-gk-shared-", dir="/tmp"))
    os.chmod(root, 0o755)  # the accounts traverse it; the data folder below is the group's
    made: list[str] = []
    try:
        _run("groupadd", group)
        for name in names:
            _run("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", name)
            made.append(name)
        clerk_a, clerk_b = Account(names[0], group), Account(names[1], group)
        outsider = Account(names[2], None)
        for account in (clerk_a, clerk_b, outsider):
            home = root / "home" / account.name
            home.mkdir(parents=True)
            os.chown(home, account.uid, account.gid)
            os.chmod(home, 0o700)
        (root / "config.yaml").write_text("{}\n", encoding="utf-8")
        os.chmod(root / "config.yaml", 0o644)
        python, path = _interpreter(clerk_a, root)
        shared = Site(root, python, path)
        shared.data.mkdir()
        os.chown(shared.data, 0, grp.getgrnam(group).gr_gid)
        os.chmod(shared.data, 0o2770)  # docs/deployment.md: the group's folder, setgid
        yield shared, clerk_a, clerk_b, outsider, group
    finally:
        for name in made:
            subprocess.run(["userdel", name], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _events(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT request_number, action, data FROM events ORDER BY id").fetchall()
    return [(number, action, json.loads(data).get("os_user")) for number, action, data in rows]


def test_two_clerks_accounts_share_one_database_at_the_same_time(site):
    shared, clerk_a, clerk_b, _, group = site
    first = shared.gk(clerk_a, "db", "init")
    assert first.returncode == 0, first.stderr
    db = shared.data / "gk.db"
    script = (
        f"for i in $(seq {REQUESTS_EACH}); do "
        '$GK register --applicant "$WHO$i" --type natural --channel online --received 2024-04-01 '
        '--content "某事项$i" --json > "$HOME/r$i.json" || exit 1; done; '
        f"for i in $(seq {REQUESTS_EACH}); do "
        "n=$($PY -c \"import json,sys; print(json.load(open(sys.argv[1]))['number'])\" \"$HOME/r$i.json\"); "
        '$GK advance "$n" --on 2024-04-02 || exit 1; done'
    )
    running = [shared.popen(account, script, WHO=account.name) for account in (clerk_a, clerk_b)]
    for process in running:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    events = _events(db)
    registered = {(number, who) for number, action, who in events if action == "register"}
    advanced = {(number, who) for number, action, who in events if action == "advance"}
    assert len(registered) == 2 * REQUESTS_EACH and registered == advanced  # nothing lost, each by its own
    assert {who for _, who in registered} == {clerk_a.name, clerk_b.name}
    with sqlite3.connect(db) as conn:
        applicants = dict(conn.execute("SELECT number, applicant FROM requests").fetchall())
    for number, who in registered:
        assert applicants[number].startswith(who)  # the account that registered it is on record
    gid = grp.getgrnam(group).gr_gid
    for name in ("gk.db", "gk.db-wal", "gk.db-shm"):
        path = shared.data / name
        if path.exists():
            status = path.stat()
            assert status.st_mode & 0o777 == 0o660 and status.st_gid == gid, name
    verified = shared.gk(clerk_b, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    shown = shared.gk(clerk_b, "show", "2024-0001", "--json")
    assert {e["os_user"] for e in json.loads(shown.stdout)["events"]} <= {clerk_a.name, clerk_b.name}


def test_an_account_outside_the_group_is_refused_in_chinese(site):
    shared, clerk_a, _, outsider, _ = site
    assert shared.gk(clerk_a, "db", "init").returncode == 0
    own = shared.root / f"{clerk_a.name}-files"
    own.mkdir(exist_ok=True)
    os.chown(own, clerk_a.uid, clerk_a.gid)
    os.chmod(own, 0o755)  # anyone may look in; the database itself is 0600
    private = own / "private.db"
    made = shared.gk(clerk_a, "db", "init", "--db", str(private))
    assert made.returncode == 0, made.stderr
    for args in (["list"], ["list", "--db", str(private)]):
        result = shared.gk(outsider, *args)
        assert result.returncode == 3, result.stderr
        assert result.stderr.startswith("错误：") and "Traceback" not in result.stderr
        assert "not readable" not in result.stderr and "权限" in result.stderr


def test_a_read_only_shm_file_is_a_chinese_database_error(site):
    shared, clerk_a, _, _, _ = site
    own = shared.root / f"{clerk_a.name}-shm"
    own.mkdir(exist_ok=True)
    os.chown(own, clerk_a.uid, clerk_a.gid)
    db = own / "shm.db"
    assert shared.gk(clerk_a, "db", "init", "--db", str(db)).returncode == 0
    # a process killed while it held the database leaves its -wal and -shm behind
    holder = shared.popen(clerk_a, f'exec {shared.python} -c "import sqlite3, time; '
                                   f"c = sqlite3.connect('{db}'); c.execute('SELECT count(*) FROM requests').fetchall(); "
                                   "print('ready', flush=True); time.sleep(60)\"")
    assert holder.stdout.readline().strip() == "ready"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    shm = Path(f"{db}-shm")
    assert shm.exists()
    os.chown(shm, 0, 0)
    os.chmod(shm, 0o644)  # readable, not writable, by the clerk
    listed = shared.gk(clerk_a, "list", "--db", str(db))  # SQLite reads with a read-only -shm
    assert listed.returncode == 0, listed.stderr
    result = shared.gk(clerk_a, "register", "--applicant", "张三", "--type", "natural", "--channel", "online",
                       "--received", "2024-04-01", "--content", "x", "--db", str(db))
    assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("错误：") and "-shm" in result.stderr


def test_a_full_disk_is_a_chinese_message(tmp_path, cli_subprocess_env):
    mount = tmp_path / "small"
    mount.mkdir()
    # room for a new database (its migrations write it twice, file and WAL) and a little more
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        db = mount / "gk.db"
        env = cli_subprocess_env(HUNNAN_GK_DB=str(db))

        def gk(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "hunnan_gk", *args], env=env, cwd=tmp_path,
                                  capture_output=True, text=True, timeout=120)

        assert gk("db", "init").returncode == 0
        content = "长" * 30_000
        for attempt in range(200):
            result = gk("register", "--applicant", "张三", "--type", "natural", "--channel", "online",
                        "--received", "2024-04-01", "--content", content)
            if result.returncode:
                break
        assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
        assert "磁盘" in result.stderr and result.stderr.startswith("错误：")
        try:  # whatever room is left
            with open(mount / "filler", "wb") as handle:
                while True:
                    handle.write(b"\0" * 4096)
                    handle.flush()
        except OSError:
            pass
        outside = str(tmp_path / "outside.db")  # a database with room, an export without
        assert gk("db", "init", "--db", outside).returncode == 0
        assert gk("register", "--applicant", "张三", "--type", "natural", "--channel", "online",
                  "--received", "2024-04-01", "--content", content, "--db", outside).returncode == 0
        exported = gk("ledger", "export", "-o", str(mount / "ledger.csv"), "--db", outside)
        assert exported.returncode == 1 and "磁盘空间不足" in exported.stderr, exported.stderr
        assert not any(name.name.startswith(".ledger.csv.") for name in mount.iterdir())
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


@pytest.fixture
def cli_subprocess_env(isolated):
    from tests.helpers import subprocess_env

    def make(**extra: str) -> dict[str, str]:
        return subprocess_env(HUNNAN_GK_TODAY="2024-04-10", **extra)

    return make
