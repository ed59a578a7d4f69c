"""Presentation exports over the API: the file at once for a small matrix, a job for a large one."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2
import pytest
from django.urls import reverse
from pptx import Presentation as Deck

from raci.exchange.presentation import ACCOUNTABLE, TONE_COLOURS
from raci.exports import services
from raci.exports.models import ExportJob
from tests.exports.conftest import pdf_text
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(org, build_matrix):
    return build_matrix(organization=org, tasks=["Roadmap", "Pricing"], roles=["PM", "PMM"], published=True)


def presentation_url(matrix):
    return reverse("api-presentation", args=[matrix.organization.slug, matrix.pk])


def jobs_url(matrix):
    return reverse("api-export-jobs", args=[matrix.organization.slug, matrix.pk])


def test_viewer_downloads_the_pdf_of_a_revision(client_for, viewer, matrix, needs_pdf):
    response = client_for(viewer).get(presentation_url(matrix), {"format": "pdf", "revision": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Revision 1" in pdf_text(response.content)[0]


def test_slides_of_the_draft_are_the_default_revision(client_for, viewer, matrix):
    response = client_for(viewer).get(presentation_url(matrix), {"format": "pptx"})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-v{matrix.version}.pptx"')
    assert len(Deck(io.BytesIO(response.content)).slides) >= 3


def test_unknown_format_is_a_400(client_for, viewer, matrix):
    response = client_for(viewer).get(presentation_url(matrix), {"format": "docx"})

    assert_error(response, 400)


def test_outsider_gets_404_on_every_export_endpoint(client_for, outsider, matrix):
    api = client_for(outsider)
    job = ExportJob.objects.create(
        organization=matrix.organization, matrix=matrix, kind="pdf", reading="draft"
    )
    slug = matrix.organization.slug

    assert api.get(presentation_url(matrix), {"format": "pptx"}).status_code == 404
    assert api.post(jobs_url(matrix), {"format": "pptx"}, format="json").status_code == 404
    assert api.get(reverse("api-export-job", args=[slug, job.pk])).status_code == 404
    assert api.get(reverse("api-export-job-file", args=[slug, job.pk])).status_code == 404


def test_a_large_matrix_answers_409_pointing_to_the_jobs_endpoint(client_for, viewer, matrix, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_CELLS", 2)

    response = client_for(viewer).get(presentation_url(matrix), {"format": "pptx"})

    assert_error(response, 409, "export_runs_as_job")


def test_viewer_queues_a_job_then_downloads_its_file(
    client_for, viewer, matrix, django_capture_on_commit_callbacks
):
    api = client_for(viewer)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(jobs_url(matrix), {"format": "pptx", "revision": "published"}, format="json")

    assert created.status_code == 202
    job = ExportJob.objects.get()
    assert created["Location"] == reverse("api-export-job", args=[matrix.organization.slug, job.pk])
    status = api.get(created["Location"]).json()
    assert (status["status"], status["progress"], status["revision"]) == ("done", 100, "published")
    download = api.get(status["file_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('-r1.pptx"')


def test_a_job_for_a_missing_revision_is_a_404_and_queues_nothing(client_for, viewer, matrix):
    response = client_for(viewer).post(jobs_url(matrix), {"format": "pdf", "revision": "5"}, format="json")

    assert_error(response, 404)
    assert not ExportJob.objects.exists()


def test_a_job_with_a_bad_format_is_a_400_and_queues_nothing(client_for, viewer, matrix):
    response = client_for(viewer).post(jobs_url(matrix), {"format": "gif"}, format="json")

    assert_error(response, 400)
    assert not ExportJob.objects.exists()


def test_the_file_of_a_running_job_is_a_409(client_for, viewer, matrix):
    job = ExportJob.objects.create(
        organization=matrix.organization, matrix=matrix, kind="pdf", reading="draft", status="running"
    )

    response = client_for(viewer).get(reverse("api-export-job-file", args=[matrix.organization.slug, job.pk]))

    assert_error(response, 409, "export_not_ready")


def test_a_pdf_page_renders_with_the_letters_coloured(
    client_for, owner, org, build_matrix, needs_pdf, tmp_path
):
    """Renders the first grid page to PNG (kept in $RACI_TEST_ARTIFACTS when set, to look at) and
    checks that the accountable colour is painted."""
    built = build_matrix(organization=org, tasks=60, roles=30, fill="sparse", owner_column=True)
    response = client_for(owner).get(presentation_url(built), {"format": "pdf"})
    assert response.status_code == 200

    document = pypdfium2.PdfDocument(response.content)
    # The cover, then 60 tasks and 6 stage headings (30 lines a page) x 30 roles (25 a page): every
    # planned page is one sheet of paper, none overflows onto the next.
    assert len(document) == 1 + 3 * 2
    image = document[1].render(scale=1).to_pil().convert("RGB")
    folder = Path(os.environ.get("RACI_TEST_ARTIFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    image.save(folder / "matrix-page.png")
    accountable = tuple(int(TONE_COLOURS[ACCOUNTABLE][i : i + 2], 16) for i in (0, 2, 4))
    assert image.width > image.height  # landscape
    assert accountable in {colour for _count, colour in image.getcolors(maxcolors=1_000_000)}
    document.close()
