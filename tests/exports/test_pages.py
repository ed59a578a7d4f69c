"""Presentation exports in the browser: PDF, person cards and slides of the draft or a revision,
large ones through a background job with a progress page."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pptx import Presentation as Deck

from raci.exports import services
from raci.exports.models import ExportJob
from tests.exports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def present_url(matrix, kind, view=None):
    url = reverse("matrix-present", args=[matrix.organization.slug, matrix.pk, kind])
    return f"{url}?view={view}" if view else url


@pytest.fixture
def matrix(org, build_matrix):
    return build_matrix(organization=org, tasks=["Roadmap", "Pricing", "Launch plan"], roles=["PM", "PMM"])


def test_owner_downloads_the_pdf_of_the_draft_with_its_state_legend_and_findings(
    client, owner, matrix, needs_pdf
):
    client.force_login(owner)
    response = client.get(present_url(matrix, "pdf", "draft"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="Ownership-v{matrix.version}.pdf"'
    cover, grid_page = pdf_text(response.content)
    assert "Ownership" in cover
    assert f"Draft, version {matrix.version}" in cover
    assert "Accountable" in cover
    assert "Findings" in cover
    assert "sign-off" in cover
    assert "Roadmap" in grid_page
    assert "Launch plan" in grid_page
    assert "A/R" in grid_page  # one spelling of letters everywhere


def test_pdf_of_a_revision_names_it_and_its_sign_off_state(client, viewer, org, build_matrix, needs_pdf):
    published = build_matrix(organization=org, tasks=2, roles=2, published=True)
    client.force_login(viewer)

    response = client.get(present_url(published, "pdf", "1"))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-r1.pdf"')
    cover = pdf_text(response.content)[0]
    assert "Revision 1, published" in cover
    assert "sign-off: not required for this revision" in cover


def test_viewer_of_a_never_published_matrix_gets_the_draft_marked_as_such(client, viewer, matrix, needs_pdf):
    client.force_login(viewer)

    cover = pdf_text(client.get(present_url(matrix, "pdf")).content)[0]

    assert "(never published)" in cover


def test_person_cards_give_each_person_a_page_of_what_they_own(client, owner, org, build_matrix, needs_pdf):
    built = build_matrix(organization=org, tasks=["Roadmap", "Pricing"], roles=["PM", "PMM"], people=True)
    client.force_login(owner)

    response = client.get(present_url(built, "cards", "draft"))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-cards.pdf"')
    pages = pdf_text(response.content)
    assert len(pages) == 2
    pm_page = next(page for page in pages if "as PM" in page)
    assert "what I own" in pm_page
    assert "I answer for" in pm_page
    assert "Roadmap" in pm_page


def test_slides_have_a_title_a_grid_per_stage_findings_and_the_pm_pmm_overlap(
    client, editor, org, build_matrix
):
    built = build_matrix(
        organization=org,
        tasks=["Roadmap", "Pricing", "Launch plan"],
        stages=["Plan", "Plan", "Launch"],
        roles=["PM", "PMM"],
        cells={("Launch plan", "PMM"): "AR", ("Launch plan", "PM"): "", ("Pricing", "PMM"): "R"},
    )
    client.force_login(editor)

    response = client.get(present_url(built, "pptx", "draft"))

    assert response.status_code == 200
    deck = Deck(io.BytesIO(response.content))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles == ["Ownership", "Plan", "Launch", "Open findings", "Who owns what: PM and PMM"]
    plan_table = next(shape for shape in deck.slides[1].shapes if shape.has_table).table
    assert [plan_table.cell(0, i).text for i in range(3)] == ["Task", "PM", "PMM"]
    assert [plan_table.cell(2, i).text for i in range(3)] == ["Pricing", "A/R", "R"]
    venn_text = " ".join(s.text_frame.text for s in deck.slides[4].shapes if s.has_text_frame)
    assert "Only PM (1)" in venn_text
    assert "Both (1)" in venn_text
    assert "Only PMM (1)" in venn_text


def test_outsider_gets_404(client, outsider, matrix):
    client.force_login(outsider)

    assert client.get(present_url(matrix, "pdf")).status_code == 404


def test_unknown_export_kind_is_a_404(client, owner, matrix):
    client.force_login(owner)

    assert client.get(present_url(matrix, "docx")).status_code == 404


def test_junk_view_is_a_400(client, owner, matrix):
    client.force_login(owner)

    assert client.get(present_url(matrix, "pptx", "latest")).status_code == 400


def test_missing_revision_is_a_404(client, owner, matrix):
    client.force_login(owner)

    assert client.get(present_url(matrix, "pptx", "7")).status_code == 404


def test_slides_query_count_does_not_grow_with_the_matrix(client, owner, org, build_matrix):
    client.force_login(owner)
    counts = []
    for tasks, roles in ((5, 3), (40, 20)):
        built = build_matrix(organization=org, name=f"M{tasks}", tasks=tasks, roles=roles, people=True)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(present_url(built, "pptx", "draft")).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- Large matrices: a background job with progress -------------------------------------------------


@pytest.fixture
def small_threshold(monkeypatch):
    """Makes the test matrix count as large, so the job path runs on a few cells."""
    monkeypatch.setattr(services, "BACKGROUND_CELLS", 4)


def test_a_large_matrix_offers_to_prepare_the_export_instead_of_rendering_it(
    client, owner, matrix, small_threshold
):
    client.force_login(owner)

    response = client.get(present_url(matrix, "pptx", "draft"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"Prepare the Slides (PPTX)" in response.content
    assert not ExportJob.objects.exists()


def test_preparing_runs_a_job_whose_page_then_offers_the_file(
    client, owner, matrix, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(present_url(matrix, "pptx", "draft"))

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("export-job", args=[matrix.organization.slug, job.pk])
    assert (job.status, job.progress, job.reading) == ("done", 100, "draft")
    page = client.get(response["Location"])
    file_url = reverse("export-job-file", args=[matrix.organization.slug, job.pk])
    assert file_url in page.content.decode()
    download = client.get(file_url)
    assert download.status_code == 200
    assert Deck(io.BytesIO(download.content)).slides[0].shapes.title.text == "Ownership"


def test_the_progress_fragment_polls_while_the_job_runs_and_stops_when_done(client, owner, matrix):
    job = ExportJob.objects.create(
        organization=matrix.organization,
        matrix=matrix,
        kind="pdf",
        reading="draft",
        status="running",
        progress=40,
    )
    client.force_login(owner)
    url = reverse("export-job", args=[matrix.organization.slug, job.pk])

    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    ExportJob.objects.filter(pk=job.pk).update(status="done", progress=100, filename="x.pdf")
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 1s"' in running
    assert 'value="40"' in running
    assert "hx-trigger" not in done
    assert "download x.pdf" in done


def test_a_job_of_another_organization_is_a_404(client, outsider, matrix):
    job = ExportJob.objects.create(
        organization=matrix.organization, matrix=matrix, kind="pdf", reading="draft"
    )
    client.force_login(outsider)

    assert client.get(reverse("export-job", args=["elsewhere", job.pk])).status_code == 404
    assert client.get(reverse("export-job-file", args=["elsewhere", job.pk])).status_code == 404


def test_the_file_of_an_unfinished_job_is_a_404(client, owner, matrix):
    job = ExportJob.objects.create(
        organization=matrix.organization, matrix=matrix, kind="pdf", reading="draft"
    )
    client.force_login(owner)

    assert client.get(reverse("export-job-file", args=[matrix.organization.slug, job.pk])).status_code == 404


def test_a_job_for_a_revision_that_is_gone_fails_with_a_reason(matrix):
    job = ExportJob.objects.create(organization=matrix.organization, matrix=matrix, kind="pptx", reading="9")

    services.export_job_run(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.status == "failed"
    assert "no revision 9" in job.error


def test_a_job_runs_once_even_when_its_task_is_delivered_twice(matrix):
    job = ExportJob.objects.create(
        organization=matrix.organization, matrix=matrix, kind="pptx", reading="draft"
    )

    first = services.export_job_run(job_id=str(job.pk))
    second = services.export_job_run(job_id=str(job.pk))

    assert first.status == "done"
    assert second is None


def test_xlsx_of_a_revision_from_the_page_has_its_number_and_who_holds_each_role(
    client, viewer, org, build_matrix
):
    import openpyxl

    published = build_matrix(organization=org, tasks=2, roles=["PM"], people=True, published=True)
    client.force_login(viewer)

    response = client.get(reverse("matrix-export", args=[org.slug, published.pk, "xlsx"]) + "?view=1")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-r1.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[1:] == ["Legend", "Findings", "People"]
    assert workbook["People"]["C2"].value != "(nobody)"
