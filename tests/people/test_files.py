"""Reading a people file: the header, values, and every problem with its line. No database."""

from __future__ import annotations

import io

from openpyxl import Workbook

from orgs.people_sync import MAX_PEOPLE
from raci.people.files import read_people_file


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_a_csv_gives_one_record_per_line_with_its_line_number():
    read = read_people_file(
        csv(
            "Name,Email,Title,Roles,Active",
            "Ana Alvarez,ana@acme.example,CPO,pm; PMM,yes",
            "",
            "Ben,ben@acme.example,,,no",
        )
    )
    assert not read.issues
    assert [(r.ref, r.name, r.email, r.title, r.roles, r.active) for r in read.records] == [
        (2, "Ana Alvarez", "ana@acme.example", "CPO", ("PM", "PMM"), True),
        (4, "Ben", "ben@acme.example", "", (), False),
    ]


def test_headings_are_matched_whatever_their_case_and_order_and_others_are_ignored():
    read = read_people_file(csv("EMAIL;department;name", "ana@acme.example;Product;Ana"))
    assert [(r.name, r.email, r.active) for r in read.records] == [("Ana", "ana@acme.example", True)]
    assert read.ignored == ["department"]


def test_an_xlsx_is_read_like_a_csv():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Roles", "Active"])
    sheet.append(["Ana", "ana@acme.example", "PM;ENG", True])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = read_people_file(buffer.getvalue(), filename="people.xlsx")
    assert [(r.name, r.roles, r.active) for r in read.records] == [("Ana", ("PM", "ENG"), True)]


def test_a_header_without_an_email_column_is_refused_on_its_line():
    read = read_people_file(csv("", "Name,Title", "Ana,CPO"))
    assert [(i.ref, i.field) for i in read.issues] == [(2, None)]
    assert "no Email column" in read.issues[0].message


def test_an_active_value_that_is_not_yes_or_no_is_reported_on_its_line():
    read = read_people_file(csv("Name,Email,Active", "Ana,ana@acme.example,maybe"))
    assert [(i.ref, i.field) for i in read.issues] == [(2, "active")]


def test_a_quote_never_closed_is_reported_on_its_line():
    read = read_people_file(csv("Name,Email", "Ana,ana@acme.example", '"Ben,ben@acme.example'))
    assert [i.ref for i in read.issues] == [3]
    assert "never closed" in read.issues[0].message


def test_a_damaged_xlsx_is_refused_with_a_sentence():
    read = read_people_file(b"PK\x03\x04not really a zip", filename="people.xlsx")
    assert len(read.issues) == 1
    assert "XLSX" in read.issues[0].message
    assert not read.records


def test_binary_that_is_not_a_table_is_refused():
    read = read_people_file(b"\xff\xfe\x00\x01garbage")
    assert "neither an XLSX workbook nor UTF-8 text" in read.issues[0].message


def test_a_file_with_10000_people_is_refused_at_the_line_past_the_limit():
    rows = [f"P{i},p{i}@acme.example" for i in range(10_000)]
    read = read_people_file(csv("Name,Email", *rows))
    assert [i.ref for i in read.issues] == [MAX_PEOPLE + 2]
    assert f"more than {MAX_PEOPLE:,} people" in read.issues[0].message
    assert not read.records


def test_an_empty_file_says_what_header_to_write():
    read = read_people_file(b"")
    assert "Name, Email" in read.issues[0].message


def test_a_value_quoted_against_spreadsheet_formulas_is_read_without_the_quote():
    read = read_people_file(csv("Name,Email", "'=Ana,ana@acme.example"))
    assert read.records[0].name == "=Ana"
