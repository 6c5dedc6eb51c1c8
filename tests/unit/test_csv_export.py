"""The one CSV writer: cells a spreadsheet would run as a formula are neutralised, nothing else changes."""

from __future__ import annotations

import csv
import io

import pytest

from shared.csvexport import FORMULA_STARTS, neutralise, restore_cell, write_csv

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)",
           "\t=1", "\r=1"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_formula_cells_are_read_back_as_text(cell):
    text = write_csv(["reason"], [[cell]])
    read = list(csv.reader(io.StringIO(text)))[1][0]
    assert read == "'" + cell and not read.startswith(FORMULA_STARTS)
    assert restore_cell(read) == cell


@pytest.mark.parametrize("cell", ["gewoon", "3", "2026-01-01", "", "'al tekst", "a=b", None, 4.5])
def test_other_cells_are_unchanged(cell):
    assert neutralise(cell) == ("" if cell is None else str(cell))
    assert restore_cell(neutralise(cell)) == neutralise(cell)


def test_the_header_is_neutralised_and_the_bom_is_optional():
    assert write_csv(["=a", "b"], [], bom=True) == "\ufeff'=a,b\r\n"
