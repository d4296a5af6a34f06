"""The audit's batches (relapse_handouts/audit_batches.py): every file in exactly one batch
of each of its checkers, and each batch's results filed under the right files, whatever
order the batches end in. The checkers themselves run in tests/test_audit.py."""

from __future__ import annotations

import collections

import pytest

from relapse_handouts.audit_batches import BATCH_SIZE, CHECKERS, Batch, collect, plan_batches
from relapse_handouts.checkers import CheckResult

KINDS = ["pdf"] * 30 + ["epub"] * 21 + ["html"] * 27 + ["pdf", "epub", "html"]


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_every_file_is_in_one_batch_of_each_of_its_checkers(workers):
    batches = plan_batches(KINDS, workers)
    seen = collections.Counter((b.checker, i) for b in batches for i in b.items)
    wanted = {(checker, i) for i, kind in enumerate(KINDS) for checker in CHECKERS[kind]}
    assert set(seen) == wanted and set(seen.values()) == {1}
    for batch in batches:
        assert batch.items and len(batch.items) <= (BATCH_SIZE[batch.checker] or len(KINDS))
    # EPUBCheck starts one JVM per worker, not per book.
    assert sum(b.checker == "EPUBCheck" for b in batches) == workers


@pytest.mark.parametrize("kinds", [["pdf", "html"], ["epub"], []])
def test_a_kind_with_no_file_to_check_has_no_batch(kinds):
    batches = plan_batches(kinds, 2)
    assert sorted(i for b in batches for i in b.items) == sorted(
        i for i, kind in enumerate(kinds) for _ in CHECKERS[kind]
    )
    assert all(b.items for b in batches)


def test_results_are_filed_under_their_own_files_in_any_order():
    kinds = KINDS
    batches = plan_batches(kinds, 2)
    found: dict = {}
    done = {}
    for batch in reversed(batches):  # the last batch ends first
        results = [fake(batch.checker, i) for i in batch.items]
        for index, records in collect(batch, results, found, kinds):
            assert index not in done
            done[index] = records
    assert sorted(done) == list(range(len(kinds)))
    for index, records in done.items():
        assert records == [fake(checker, index) for checker in CHECKERS[kinds[index]]]


def test_an_epub_is_done_only_when_both_its_checkers_answered():
    kinds = ["epub", "epub"]
    found: dict = {}
    assert collect(Batch("Ace", (0, 1)), [fake("Ace", 0), fake("Ace", 1)], found, kinds) == []
    done = collect(Batch("EPUBCheck", (1,)), [fake("EPUBCheck", 1)], found, kinds)
    assert done == [(1, [fake("EPUBCheck", 1), fake("Ace", 1)])]


def test_a_batch_that_drops_a_result_stops_the_audit():
    with pytest.raises(RuntimeError, match="axe: 1 results for 2 files"):
        collect(Batch("axe", (0, 1)), [fake("axe", 0)], {}, ["html", "html"])


def fake(checker: str, index: int) -> CheckResult:
    """A result that says which checker made it, for which file."""
    return CheckResult(checker, "1", index, 0, (f"file {index}",))
