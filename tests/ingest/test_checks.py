"""The 勾稽 rules of the spec: pass, fail, and not assessable when an operand is blank."""

from ingest.checks import run_checks
from ingest.model import Figure
from ingest.template import T3_2021, T3_COLS, T4_COLS, T4_ROWS


def t3(values: dict[str, int | None], blank: set[tuple[str, str]] = frozenset()) -> list[Figure]:
    figures = []
    for spec in T3_2021:
        for col in T3_COLS:
            value = None if (spec.key, col) in blank else values.get(spec.key, 0) * (6 if col == "total" else 1)
            if col not in ("natural_person", "total") and (spec.key, col) not in blank:
                value = 0
            if col == "total" and (spec.key, col) not in blank:
                value = values.get(spec.key, 0)
            figures.append(Figure("t3", spec.key, col, value, str(value), None))
    return figures


BALANCED = {"new_received": 5, "carried_over": 1, "granted": 3, "partial": 2, "total_processed": 5,
            "carried_forward": 1}


def test_a_balanced_table_passes_every_rule():
    checks = run_checks(t3(BALANCED))
    assert {check.status for check in checks} == {"pass"}
    assert any(check.rule == "t3.balance" and check.detail == "5 + 1 = 5 + 1" for check in checks)


def test_an_unbalanced_column_fails_with_the_numbers_in_the_detail():
    checks = run_checks(t3({**BALANCED, "carried_forward": 2}))
    failing = [check for check in checks if check.status == "fail"]
    assert {(check.rule, check.where) for check in failing} >= {("t3.balance", "total")}
    assert any("≠" in check.detail for check in failing)


def test_a_blank_operand_makes_a_rule_not_assessable_never_pass():
    checks = run_checks(t3(BALANCED, blank={("carried_over", "total")}))
    balance = next(check for check in checks if check.rule == "t3.balance" and check.where == "total")
    assert balance.status == "not_assessable"
    assert "carried_over" in balance.detail


def test_litigation_rows_must_add_up_to_their_total():
    figures = [Figure("t4", row, col, 1 if col != "total" else 4, "", None) for row in T4_ROWS for col in T4_COLS]
    figures[4] = Figure("t4", "review", "total", 3, "3", None)
    statuses = {check.where: check.status for check in run_checks(figures)}
    assert statuses == {"review": "fail", "suit_direct": "pass", "suit_after_review": "pass"}
