import json
import subprocess
import sys

import duckdb
import pytest

from wiretrace.cli import main
from wiretrace.engines.local import scan_articles
from wiretrace.model import Article
from wiretrace.store import Store, latest_snapshot, open_reader, publish_snapshot, snapshot_dir

from helpers import HOLD_WRITE_LOCK, OWN_WORDS, QUOTING_PIECE, UNRELATED, WIRE


def run_cli(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return exc.value.code, capsys.readouterr().out


def test_a_sound_store_passes_with_its_counts(store_path, capsys):
    code, out = run_cli(capsys, "check", "--store", str(store_path), "--json")
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "ok" and report["problems"] == {}
    assert report["counts"]["articles"] == 4 and report["counts"]["pairs"] >= 1
    assert report["counts"]["uncompared"] == 0


@pytest.mark.parametrize("damage, problem", [
    ("INSERT INTO pairs (a, b, relation) VALUES ('wire', 'ghost', 'derived')", "pairs referring to missing articles"),
    ("INSERT INTO passages (a, b, idx, kind, a_start, a_end, b_start, b_end) "
     "VALUES ('own', 'other', 0, 'verbatim', 0, 5, 0, 5)", "orphan passages"),
    ("INSERT INTO clusters VALUES ('c99', 'ghost', NULL, 's1')", "cluster members missing"),
    ("INSERT INTO grades VALUES ('ghost', '[]', 0.0, 'none')", "grades of missing articles"),
    ("UPDATE meta SET value = '0' WHERE key = 'schema_version'", None),
])
def test_damage_is_reported_by_name_with_exit_code_2(store_path, capsys, damage, problem):
    con = duckdb.connect(str(store_path))
    con.execute(damage)
    con.close()
    code, out = run_cli(capsys, "check", "--store", str(store_path))
    assert code == 2
    if problem:
        assert f"✗ {problem}: 1" in out and "CORRUPT" in out


def test_uncompared_articles_are_a_note_not_corruption(store_path):
    with Store(store_path) as s:
        s.con.execute("UPDATE articles SET compared = FALSE WHERE id = 'other'")
        report = s.check()
    assert report.ok and report.counts["uncompared"] == 1 and "rerun" in report.notes[0]


def test_readers_open_the_latest_snapshot_while_a_writer_holds_the_store(store_path):
    first = latest_snapshot(store_path)
    assert first is not None
    with Store(store_path) as writer:  # holds DuckDB's write lock
        writer.con.execute("DELETE FROM grades")
        with open_reader(store_path) as reader:
            assert reader.counts()["articles"] == 4
    second = publish_snapshot(store_path)
    assert latest_snapshot(store_path) == second != first
    # no reader held the first one: it was brought up to date in place (tests/test_store_snapshots.py)
    assert sorted(p.name for p in second.parent.glob("*.duckdb")) == [second.name] and not first.exists()
    with open_reader(store_path) as reader:
        assert reader.path == str(second) and reader.con.execute("SELECT count(*) FROM grades").fetchone()[0] == 0


def test_opening_a_store_another_process_writes_names_the_problem(store_path):
    from wiretrace.errors import StoreError

    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(store_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreError, match="locked by another process"):
            Store(store_path, read_only=True, wait=0.2)
        with open_reader(store_path) as reader:  # the snapshot still answers
            assert reader.counts()["articles"] == 4
    finally:
        holder.kill()
        holder.wait()


def test_pairs_read_in_batches_equal_pairs_read_at_once(tmp_path):
    """``iter_pairs`` pages through the pairs in pairs.jsonl's order (as scans write it, in bounded memory)."""
    arts = [Article(f"copy{k}", WIRE + f"\n\nLocal note number {k} about the harbour.", outlet=f"Outlet {k}")
            for k in range(7)] + [Article("wire", WIRE, outlet="Associated Press")]
    scan_articles(arts, tmp_path / "out", tmp_path / "s.duckdb", report=False)
    with Store(tmp_path / "s.duckdb") as store:
        whole = list(store.iter_pairs(batch=10**6))
        assert len(whole) == 28 and sorted(whole, key=lambda p: (p.a, p.b)) == store.pairs()
        for batch in (1, 3, 28, 100):
            assert list(store.iter_pairs(batch=batch)) == whole
        assert [p.passages for p in store.iter_pairs(with_passages=False, batch=5)] == [[]] * 28


def test_the_store_bounds_duckdbs_page_cache():
    from wiretrace.settings import DEFAULT
    from wiretrace.store import Store

    with Store(":memory:") as default, Store(":memory:", memory_limit="300MB") as small:
        assert DEFAULT.store_memory_limit == "2GB"
        assert default.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "1.8 GiB"
        assert small.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"


def test_a_scan_that_changes_nothing_publishes_no_new_snapshot(tmp_path):
    arts = [Article("wire", WIRE, outlet="Associated Press"), Article("quote", QUOTING_PIECE)]
    scan_articles(arts, tmp_path / "out", tmp_path / "s.duckdb", report=False)
    first = latest_snapshot(tmp_path / "s.duckdb")
    again = scan_articles(arts, tmp_path / "out", tmp_path / "s.duckdb", report=False)  # all known
    assert again.new == 0 and latest_snapshot(tmp_path / "s.duckdb") == first
    scan_articles([Article("own", OWN_WORDS)], tmp_path / "out", tmp_path / "s.duckdb", report=False)
    newer = latest_snapshot(tmp_path / "s.duckdb")
    assert newer != first
    with open_reader(tmp_path / "s.duckdb") as reader:
        assert reader.counts()["articles"] == 3


def test_without_snapshots_readers_open_the_store_never_a_stale_snapshot(store_path, tmp_path):
    assert latest_snapshot(store_path) is not None
    scan_articles([Article("late", OWN_WORDS + " Later.")], tmp_path / "out", store_path, report=False,
                  snapshot=False)
    assert latest_snapshot(store_path) is None and not snapshot_dir(store_path).exists()
    with open_reader(store_path) as reader:
        assert reader.counts()["articles"] == 5 and reader.path == str(store_path)
