"""Crash recovery: orphans are found after a kill -9, a live second instance is not a crash,
and an interrupted atomic write leaves the old file or the new one, never a broken one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from cnnstudio.core.fileio import dumps_design, load_design, save_design
from cnnstudio.core.recovery import RecoveryStore, remove_stale_temps
from cnnstudio.core.templates import get_template

CHILD = textwrap.dedent(
    """
    import sys, time
    from cnnstudio.core.recovery import RecoveryStore
    from cnnstudio.core.templates import get_template
    store = RecoveryStore(sys.argv[1])
    store.acquire()
    design = get_template("lenet5")
    design.name = "unsaved work"
    store.write(design, "/tmp/original.cnn.json")
    print("ready", flush=True)
    time.sleep(60)
    """
)


def _start_child(folder: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_killed_instance_leaves_a_recoverable_orphan(tmp_path: Path) -> None:
    proc = _start_child(tmp_path)
    me = RecoveryStore(tmp_path)
    me.acquire()
    try:
        assert me.orphans() == []  # alive: a second instance, not a crash
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
        (entry,) = me.orphans()
        assert entry.source == "/tmp/original.cnn.json"
        assert entry.name == "unsaved work"
        assert entry.load().name == "unsaved work"
        me.discard(entry)
        assert me.orphans() == []
        assert sorted(p.name for p in tmp_path.iterdir()) == [f"{os.getpid()}.lock"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
            proc.stdout.close()  # type: ignore[union-attr]
        me.release()
    assert list(tmp_path.iterdir()) == []


def test_clean_release_leaves_nothing(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.acquire()
    store.write(get_template("lenet5"), None)
    assert store.recovery_path.exists()
    store.release()
    assert list(tmp_path.iterdir()) == []


def test_an_orphan_always_carries_its_own_source_and_name(tmp_path: Path, monkeypatch) -> None:
    """The meta file is written first: whenever a design file is there, so is its meta."""
    import cnnstudio.core.recovery as recovery

    writes: list[str] = []
    real_write = recovery.atomic_write

    def record(path: Path, data: bytes) -> None:
        writes.append(Path(path).name)
        real_write(path, data)

    monkeypatch.setattr(recovery, "atomic_write", record)
    store = RecoveryStore(tmp_path)
    store.acquire()
    store.write(get_template("lenet5"), "/work/net.cnn.json")
    pid = os.getpid()
    assert writes == [f"{pid}.meta.json", f"{pid}.cnn.json"]
    store.release()


def test_leftovers_of_dead_instances_without_a_design_are_removed(tmp_path: Path) -> None:
    # A kill between the meta and the first design write, and a clean instance killed before
    # any change: neither has anything to restore, and neither may pile up in the folder.
    (tmp_path / "999998.meta.json").write_text('{"source": null}', encoding="utf-8")
    (tmp_path / "999997.lock").write_text("999997", encoding="utf-8")
    save_design(get_template("lenet5"), tmp_path / "999996.cnn.json", backup=False)
    (tmp_path / "999996.lock").write_text("999996", encoding="utf-8")
    store = RecoveryStore(tmp_path)
    store.acquire()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["999996.cnn.json", "999996.lock", f"{os.getpid()}.lock"])
    assert [e.path.name for e in store.orphans()] == ["999996.cnn.json"]
    store.release()


WRITER = textwrap.dedent(
    """
    import sys
    from cnnstudio.core.fileio import save_design
    from cnnstudio.core.templates import get_template
    names = ["resnet50", "lenet5"]
    i = 0
    print("go", flush=True)
    while True:
        save_design(get_template(names[i % 2]), sys.argv[1])
        i += 1
    """
)


def test_killing_a_writer_at_random_points_never_leaves_a_broken_file(tmp_path: Path) -> None:
    target = tmp_path / "net.cnn.json"
    save_design(get_template("lenet5"), target)
    valid = {dumps_design(get_template(n)) for n in ("resnet50", "lenet5")}
    for delay in (0.05, 0.11, 0.17, 0.23, 0.31):
        with subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
        ) as proc:
            assert proc.stdout is not None
            proc.stdout.readline()
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        assert target.read_text(encoding="utf-8") in valid
        load_design(target)
    remove_stale_temps(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.cnn.json", "net.cnn.json.bak"]


def test_a_reused_pid_never_overwrites_the_dead_instances_autosave(tmp_path: Path) -> None:
    # After a reboot the new instance can get the pid of the one that crashed before it.
    pid = os.getpid()
    dead = get_template("lenet5")
    dead.name = "work of the crashed instance"
    save_design(dead, tmp_path / f"{pid}.cnn.json", backup=False)
    store = RecoveryStore(tmp_path)
    store.acquire()
    assert store.key == f"{pid}-1"
    store.write(get_template("simple-cnn"), None)
    (entry,) = store.orphans()
    assert entry.path.name == f"{pid}.cnn.json" and entry.load().name == dead.name
    store.release()


def test_a_live_instance_keeps_its_lock_through_another_ones_cleanup(tmp_path: Path) -> None:
    alive = RecoveryStore(tmp_path)
    alive.acquire()  # no autosave yet: its lock file stands alone, like a dead one's
    other = RecoveryStore(tmp_path)
    other.pid, other.key = 999_999, "999999"
    other.acquire()
    assert (tmp_path / f"{alive.key}.lock").exists()
    other.release()
    alive.release()
    assert list(tmp_path.iterdir()) == []


def test_a_lock_file_removed_before_it_was_locked_is_made_again(
    tmp_path: Path, monkeypatch
) -> None:
    """Another start-up's cleanup may delete our lock file between our open and our flock."""
    import cnnstudio.core.recovery as recovery

    real_flock = recovery.fcntl.flock
    removed: list[str] = []

    def flock(fd: int, operation: int) -> None:
        if not removed and operation & recovery.fcntl.LOCK_EX:
            path = tmp_path / f"{os.getpid()}.lock"
            path.unlink()  # what the other instance's cleanup does at this moment
            removed.append(path.name)
        real_flock(fd, operation)

    monkeypatch.setattr(recovery.fcntl, "flock", flock)
    store = RecoveryStore(tmp_path)
    store.acquire()
    monkeypatch.setattr(recovery.fcntl, "flock", real_flock)
    assert removed and (tmp_path / removed[0]).exists()
    assert recovery._is_locked(tmp_path, store.key)  # seen alive through the new file
    store.release()


def test_two_stores_of_one_process_do_not_wait_for_each_other(tmp_path: Path) -> None:
    first = RecoveryStore(tmp_path)
    first.acquire()
    second = RecoveryStore(tmp_path)
    # In a thread, so that a regression (waiting forever on the first store's lock) fails the
    # test instead of hanging the suite.
    acquiring = threading.Thread(target=second.acquire, daemon=True)
    acquiring.start()
    acquiring.join(10)
    assert not acquiring.is_alive(), "the second store waits for the first one's lock"
    assert second.key != first.key
    second.write(get_template("lenet5"), None)
    assert first.orphans() == []  # the second is alive
    second.release()
    first.release()
    assert list(tmp_path.iterdir()) == []


HOLDER = textwrap.dedent(
    """
    import fcntl, sys, time
    handle = open(sys.argv[1], "a")
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    print("locked", flush=True)
    time.sleep(60)
    """
)


def test_a_key_held_by_another_live_process_is_skipped_at_once(tmp_path: Path) -> None:
    """Two sandboxes sharing the folder can both be pid N: the second takes another key."""
    taken = tmp_path / f"{os.getpid()}.lock"
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(taken)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            store = RecoveryStore(tmp_path)
            start = time.monotonic()
            store.acquire()
            assert time.monotonic() - start < 5
            assert store.key == f"{os.getpid()}-1" and taken.exists()
            store.release()
        finally:
            holder.kill()
            holder.wait(10)


def test_a_moment_of_someone_checking_our_lock_does_not_stop_us(tmp_path: Path) -> None:
    import fcntl

    path = tmp_path / f"{os.getpid()}.lock"
    probe = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed by the timer
    fcntl.flock(probe.fileno(), fcntl.LOCK_SH)  # what another instance's liveness check holds
    threading.Timer(0.1, probe.close).start()
    store = RecoveryStore(tmp_path)
    store.acquire()
    assert store.key == str(os.getpid())
    store.release()
