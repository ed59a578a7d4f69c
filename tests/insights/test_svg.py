"""The server-rendered Venn diagram: pure, no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from raci.insights.svg import venn_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_venn_is_well_formed_svg_named_and_described_for_assistive_technology():
    root = _parse(venn_svg(a_label="PM", b_label="PMM", only_a=12, shared=3, only_b=8, id_prefix="v"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "v-title v-desc"
    assert root.find("svg:title", NS).text == "Overlap of PM and PMM"
    assert (
        root.find("svg:desc", NS).text
        == "PM alone owns 12 tasks; PM and PMM both own 3 tasks; PMM alone owns 8 tasks."
    )
    assert root.find("svg:title", NS).get("id") == "v-title"


def test_venn_shows_each_count_and_each_role_as_text():
    root = _parse(venn_svg(a_label="PM", b_label="PMM", only_a=12, shared=3, only_b=8))
    texts = [t.text for t in root.findall("svg:text", NS)]
    assert texts == ["PM", "PMM", "12", "only", "3", "both", "8", "only"]
    assert len(root.findall("svg:circle", NS)) == 2


def test_venn_counts_sit_left_to_right_inside_their_areas():
    root = _parse(venn_svg(a_label="A", b_label="B", only_a=5, shared=5, only_b=5))
    a, b = root.findall("svg:circle", NS)
    counts = [float(t.get("x")) for t in root.findall("svg:text", NS) if t.get("class") == "venn-count"]
    a_left = float(a.get("cx")) - float(a.get("r"))
    a_right = float(a.get("cx")) + float(a.get("r"))
    b_left = float(b.get("cx")) - float(b.get("r"))
    b_right = float(b.get("cx")) + float(b.get("r"))
    assert a_left < counts[0] < b_left < counts[1] < a_right < counts[2] < b_right
    width = float(root.get("viewBox").split()[2])
    assert b_right < width


def test_venn_escapes_its_labels():
    markup = venn_svg(a_label="<script>", b_label='B"&', only_a=0, shared=0, only_b=0, id_prefix='x"y')
    assert "<script>" not in markup
    root = _parse(markup)
    assert root.find("svg:title", NS).text == 'Overlap of <script> and B"&'


@pytest.mark.parametrize(("only_a", "shared", "only_b"), [(0, 0, 0), (1, 0, 0), (0, 7, 0), (1000, 1, 0)])
def test_venn_draws_empty_and_lopsided_overlaps(only_a, shared, only_b):
    root = _parse(venn_svg(a_label="A", b_label="B", only_a=only_a, shared=shared, only_b=only_b))
    ra, rb = (float(c.get("r")) for c in root.findall("svg:circle", NS))
    assert 70 <= ra <= 110
    assert 70 <= rb <= 110
    # The role owning more tasks never gets the smaller circle.
    assert (ra >= rb) == (only_a >= only_b)
    counts = [t.text for t in root.findall("svg:text", NS) if t.get("class") == "venn-count"]
    assert counts == [str(only_a), str(shared), str(only_b)]


def test_venn_uses_singular_for_one_task():
    root = _parse(venn_svg(a_label="A", b_label="B", only_a=1, shared=1, only_b=1))
    assert (
        root.find("svg:desc", NS).text == "A alone owns 1 task; A and B both own 1 task; B alone owns 1 task."
    )
    assert "http" not in venn_svg(a_label="A", b_label="B", only_a=1, shared=1, only_b=1).replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
