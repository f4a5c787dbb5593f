"""Run-together digits: every reading is offered, none is invented."""

from decimal import Decimal

from ingest.splitting import cell_from_text, compositions, tokens


def values(readings):
    return sorted(tuple(cell.value for cell in reading) for reading in readings)


def test_digits_are_cut_into_exactly_the_cells_of_the_row():
    assert values(compositions(["3000003"], 7)) == [(3, 0, 0, 0, 0, 0, 3)]


def test_a_number_never_starts_with_zero():
    assert values(compositions(["100"], 2)) == [(10, 0)]
    assert values(compositions(["100000010"], 7)) == [(10, 0, 0, 0, 0, 0, 10), (100, 0, 0, 0, 0, 1, 0)]


def test_ambiguous_digits_give_every_reading():
    readings = values(compositions(["110000011"], 7))
    assert (11, 0, 0, 0, 0, 0, 11) in readings
    assert (1, 10, 0, 0, 0, 0, 11) in readings


def test_stray_spaces_inside_run_together_numbers_are_kept_as_boundaries_only_where_printed():
    assert (23, 0, 0, 0, 0, 0, 23) in values(compositions(["230", "000023"], 7))


def test_a_sign_printed_between_numbers_belongs_to_the_following_number():
    assert tokens("35-15") == ["35", "-15"]
    readings = values(compositions(tokens("2648-18538"), 3))
    assert (2648, -18, 538) in readings
    assert all(reading.count(min(reading)) == 1 and min(reading) < 0 for reading in readings)
    assert all(reading[0] > 0 for reading in readings)


def test_only_the_last_cell_of_a_run_carries_the_decimals():
    readings = values(compositions(["13575394432.52"], 2))
    assert (135, Decimal("75394432.52")) in readings
    assert all(isinstance(first, int) for first, _ in readings)


def test_marks_stand_for_blank_cells():
    assert cell_from_text(" / ").value is None
    assert cell_from_text("").raw == ""
    assert cell_from_text("251000元").value == 251000
    assert cell_from_text("0 0 0") is None, "several numbers in one cell are not one value"


def test_too_few_digits_give_no_reading():
    assert list(compositions(["22"], 7)) == []
