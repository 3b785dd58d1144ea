"""Snapshots brought up to date in place: the blocks that differ are written, a snapshot a reader
holds is never touched, a run killed halfway leaves no torn snapshot."""

import hashlib
import json
import subprocess
import sys

import duckdb

from wiretrace.store import (SNAPSHOT_BLOCK, Store, block_hashes, latest_snapshot, open_reader, publish_snapshot,
                             snapshot_dir)

from helpers import HOLD_WRITE_LOCK


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def grow(store_path, k):
    """Change the store the way a scan does: rows added and rows rewritten."""
    with Store(store_path, wait=30.0) as s:  # a reader may hold the store itself for a moment
        s.con.execute("CREATE TABLE IF NOT EXISTS filler (k INTEGER, t VARCHAR)")
        s.con.execute(f"INSERT INTO filler SELECT range, repeat('x{k}', 200) FROM range({k * 5000}, {(k + 1) * 5000})")
        s.con.execute("UPDATE articles SET title = ? WHERE id = 'own'", [f"Title {k}"])


def test_block_hashes_tell_each_changed_block(tmp_path):
    path = tmp_path / "f"
    data = bytearray(b"a" * (3 * SNAPSHOT_BLOCK + 100))
    path.write_bytes(data)
    with path.open("rb") as fh:
        before = block_hashes(fh.fileno())
    data[SNAPSHOT_BLOCK + 7] = ord("b")
    path.write_bytes(data)
    with path.open("rb") as fh:
        after = block_hashes(fh.fileno())
    assert before.shape == (4, 2)
    assert ((before != after).any(axis=1)).tolist() == [False, True, False, False]
    (tmp_path / "empty").write_bytes(b"")
    with (tmp_path / "empty").open("rb") as fh:
        assert block_hashes(fh.fileno()).shape == (0, 2)


def test_a_snapshot_no_reader_holds_is_updated_in_place_to_the_stores_bytes(store_path, caplog):
    first = latest_snapshot(store_path)
    inode = first.stat().st_ino
    for k in range(3):
        grow(store_path, k)
        caplog.clear()
        with caplog.at_level("INFO", logger="wiretrace.store"):
            snap = publish_snapshot(store_path)
        assert snap is not None and snap == latest_snapshot(store_path)
        assert digest(snap) == digest(store_path)  # byte for byte the store, grown and shrunk alike
        updated = [r.getMessage() for r in caplog.records if "updated in place" in r.getMessage()]
        assert len(updated) == 1
        written, total = (int(x) for x in updated[0].split(": ")[1].split(" blocks")[0].split(" of "))
        assert 0 < written < total  # only what changed
    assert snap.stat().st_ino == inode  # the same file all along
    assert sorted(p.name for p in snapshot_dir(store_path).glob("*.duckdb")) == [snap.name]
    with open_reader(store_path) as reader:
        assert reader.con.execute("SELECT count(*) FROM filler").fetchone()[0] == 15000


HOLD_SNAPSHOT = """
import sys, time
from wiretrace.store import open_reader
r = open_reader(sys.argv[1])
print(r.path, flush=True)
time.sleep(60)
"""


def test_a_snapshot_a_reader_holds_is_left_alone_and_the_store_copied_whole(store_path):
    held = latest_snapshot(store_path)
    before = digest(held)
    kept_open = held.open("rb")  # the held file's bytes, readable after it is unlinked as well
    reader = subprocess.Popen([sys.executable, "-c", HOLD_SNAPSHOT, str(store_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == str(held)
        grow(store_path, 0)
        second = publish_snapshot(store_path)
        assert second != held and held.exists() and digest(held) == before
        assert second.stat().st_ino != held.stat().st_ino and digest(second) == digest(store_path)
        # in this process too: a reader open here holds its snapshot as well
        with open_reader(store_path) as mine:
            assert mine.path == str(second)
            inode = second.stat().st_ino
            grow(store_path, 1)
            third = publish_snapshot(store_path)
            assert second.stat().st_ino == inode and mine.counts()["articles"] == 4
        assert third not in (held, second) and digest(third) == digest(store_path)
        assert not held.exists()  # only the newest older snapshot is kept; its reader still reads it
        assert hashlib.sha256(kept_open.read()).hexdigest() == before
    finally:
        kept_open.close()
        reader.kill()
        reader.wait()
    grow(store_path, 2)
    inode = second.stat().st_ino
    fourth = publish_snapshot(store_path)  # nobody holds the older one now: it is the one reused
    assert not second.exists() and fourth.stat().st_ino == inode and digest(fourth) == digest(store_path)
    assert sorted(p for p in fourth.parent.glob("*.duckdb")) == [third, fourth]


def test_a_run_killed_while_updating_leaves_readers_the_store_and_the_next_run_a_clean_folder(store_path):
    snap = latest_snapshot(store_path)
    folder = snapshot_dir(store_path)
    # what a kill halfway through leaves: the snapshot renamed to its temporary name, half written,
    # its recorded hashes gone, CURRENT naming the missing file
    torn = folder / ".99999999999999999999.duckdb.tmp"
    snap.rename(torn)
    (folder / (snap.name + ".blocks.npy")).unlink()
    with torn.open("r+b") as fh:
        fh.write(b"\0" * 4096)
    assert latest_snapshot(store_path) is None
    with open_reader(store_path, wait=0.2) as reader:
        assert reader.path == str(store_path) and reader.counts()["articles"] == 4
    grow(store_path, 0)
    fresh = publish_snapshot(store_path)
    assert digest(fresh) == digest(store_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["CURRENT", fresh.name, fresh.name + ".blocks.npy"])


def test_a_snapshot_whose_recorded_hashes_are_stale_is_copied_whole(store_path):
    snap = latest_snapshot(store_path)
    with snap.open("r+b") as fh:  # changed behind our back: its recorded hashes no longer describe it
        fh.seek(SNAPSHOT_BLOCK)
        fh.write(b"\1" * 16)
    grow(store_path, 0)
    fresh = publish_snapshot(store_path)
    assert fresh.stat().st_ino != snap.stat().st_ino and digest(fresh) == digest(store_path)


def test_no_snapshot_is_published_while_another_process_writes_the_store(store_path, caplog):
    first = latest_snapshot(store_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(store_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with caplog.at_level("WARNING", logger="wiretrace.store"):
            assert publish_snapshot(store_path) is None
        assert "being written by another process" in caplog.text and latest_snapshot(store_path) == first
    finally:
        holder.kill()
        holder.wait()
    con = duckdb.connect(str(first), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    con.close()


def test_copies_go_through_user_space_where_the_kernel_refuses(store_path, monkeypatch):
    def refuse(*args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr("os.copy_file_range", refuse)
    grow(store_path, 0)
    updated = publish_snapshot(store_path)  # the changed blocks, with pread/pwrite
    assert digest(updated) == digest(store_path)
    (snapshot_dir(store_path) / (updated.name + ".blocks.npy")).unlink()
    grow(store_path, 1)
    whole = publish_snapshot(store_path)  # no hashes recorded: copied whole, with pread/pwrite
    assert whole.stat().st_ino != updated.stat().st_ino and digest(whole) == digest(store_path)


READ_WHILE_PUBLISHED = """
import json, sys, time
from wiretrace.store import open_reader
counts, errors, end = [], [], time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        with open_reader(sys.argv[1], wait=10.0) as r:
            counts.append(r.con.execute("SELECT count(*) FROM filler").fetchone()[0])
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"counts": counts, "errors": errors}))
"""


def test_a_reader_opening_snapshots_over_and_over_while_they_are_published_always_reads_a_whole_store(store_path):
    with Store(store_path) as s:
        s.con.execute("CREATE TABLE filler (k INTEGER, t VARCHAR)")
    publish_snapshot(store_path)
    reader = subprocess.Popen([sys.executable, "-c", READ_WHILE_PUBLISHED, str(store_path), "6"],
                              stdout=subprocess.PIPE, text=True)
    for k in range(8):
        grow(store_path, k)
        publish_snapshot(store_path)
    out, _ = reader.communicate(timeout=60)
    seen = json.loads(out)
    assert seen["errors"] == [] and len(seen["counts"]) > 20
    assert all(c % 5000 == 0 for c in seen["counts"])  # never a half-written snapshot
    assert seen["counts"] == sorted(seen["counts"])  # never an older one after a newer
    with open_reader(store_path) as last:
        assert last.con.execute("SELECT count(*) FROM filler").fetchone()[0] == 40000
