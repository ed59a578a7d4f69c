"""The who-does-what and analysis pages: person, role, task, search, overlap, workload, what-if."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from orgs.models import Membership, Person, Role
from raci import rules
from raci.insights.selectors import search_terms
from raci.management.demo import demo_seed
from raci.matrices.models import Assignment, Matrix, MatrixRole, Task
from raci.matrices.selectors import matrix_get, matrix_grid_get
from raci.revisions.services import matrix_publish
from tests.builders import matrix_build
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, RoleFactory


@dataclass
class Cast:
    """A small organization's matrix: four roles, five people (one inactive), four named tasks."""

    matrix: Matrix
    roles: dict[str, Role]
    people: dict[str, Person]
    tasks: dict[str, Task]


# (task, stage, {role code: letters}); the matrix's columns are PM, PMM, ENG, SALES.
TASKS = [
    ("Pricing", "Business", {"PM": "A", "PMM": "R", "ENG": "C", "SALES": "I"}),
    ("Positioning", "Planning", {"PMM": "AR", "PM": "C"}),
    ("Roadmap", "Planning", {"PM": "AR", "ENG": "R", "PMM": "I"}),
    ("Launch", "Programs", {"PM": "R", "PMM": "A", "SALES": "C"}),
    ("Win/loss analysis", "Market", {"PMM": "R", "SALES": "C"}),
]
# The cells of each of the ``extra_tasks`` the query-count tests add, in stage Extra.
EXTRA_ROW = {"ENG": "AR", "PM": "C", "PMM": "I"}


def _build(organization, *, extra_tasks: int = 0, name: str = "Ownership") -> Cast:
    roles = {
        code: RoleFactory(organization=organization, code=code, name=title, order=order)
        for order, (code, title) in enumerate(
            [
                ("PM", "Product manager"),
                ("PMM", "Product marketing"),
                ("ENG", "Engineering"),
                ("SALES", "Sales"),
            ]
        )
    }
    people = {
        "ana": PersonFactory(organization=organization, name="Ana Alvarez", roles=[roles["PM"]]),
        "pia": PersonFactory(organization=organization, name="Pia Park", roles=[roles["PMM"]]),
        "eve": PersonFactory(organization=organization, name="Eve Engel", roles=[roles["ENG"]]),
        "sam": PersonFactory(
            organization=organization, name="Sam Sol", email="sam.sol@example.com", roles=[roles["SALES"]]
        ),
        "olga": PersonFactory(organization=organization, name="Olga Old", active=False, roles=[roles["PM"]]),
    }
    extra = [f"Extra {i}" for i in range(extra_tasks)]
    cells = {(task_name, code): letters for task_name, _stage, row in TASKS for code, letters in row.items()}
    cells |= {(task_name, code): letters for task_name in extra for code, letters in EXTRA_ROW.items()}
    matrix = matrix_build(
        organization=organization,
        name=name,
        tasks=[task_name for task_name, _stage, _row in TASKS] + extra,
        roles=list(roles),
        stages=[stage for _task_name, stage, _row in TASKS] + ["Extra"] * extra_tasks,
        fill="empty",
        cells=cells,
    )
    Task.objects.filter(matrix=matrix, name="Pricing").update(description="Set price points and packaging.")
    # Who-does-what pages read what was agreed: the matrix is published as built.
    matrix_publish(matrix=matrix, override_reason="Built for a test.")
    matrix = matrix_get(organization=organization, matrix_id=matrix.pk)
    tasks = {task.name: task for task in matrix.tasks.exclude(name__in=extra)}
    return Cast(matrix=matrix, roles=roles, people=people, tasks=tasks)


@pytest.fixture
def cast(org) -> Cast:
    return _build(org)


def _text(response) -> str:
    """The page's main content as plain text: tags dropped, entities decoded, spaces collapsed."""
    page = response.content.decode()
    main = page[page.find("<main") :]
    main = re.sub(r"(?s)<svg\b.*?</svg>", " ", main)
    return (
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
        .replace(" ,", ",")
        .replace(" :", ":")
        .replace(" ;", ";")
    )


def _urls(cast: Cast) -> dict[str, str]:
    slug, matrix = cast.matrix.organization.slug, cast.matrix.pk
    return {
        "search": reverse("search", args=[slug]) + "?q=pricing",
        "person-detail": reverse("person-detail", args=[slug, cast.people["ana"].pk]),
        "role-detail": reverse("role-detail", args=[slug, cast.roles["PMM"].pk]),
        "task-detail": reverse("task-detail", args=[slug, matrix, cast.tasks["Pricing"].pk]),
        "matrix-overlap": reverse("matrix-overlap", args=[slug, matrix]),
        "matrix-workload": reverse("matrix-workload", args=[slug, matrix]),
        "matrix-what-if": reverse("matrix-what-if", args=[slug, matrix]),
    }


PAGES = [
    "search",
    "person-detail",
    "role-detail",
    "task-detail",
    "matrix-overlap",
    "matrix-workload",
    "matrix-what-if",
]
EXPECTED = {
    "search": "Pricing",
    "person-detail": "Ana Alvarez",
    "role-detail": "Product marketing",
    "task-detail": "Set price points and packaging.",
    "matrix-overlap": "Overlap of PM and PMM",
    "matrix-workload": "Workload",
    "matrix-what-if": "Nothing is saved unless you save the result as a new draft.",
}


# --- Who may see these pages ------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("member", ["owner", "editor", "viewer"])
def test_every_member_reads_the_page(client, cast, page, member, request):
    client.force_login(request.getfixturevalue(member))
    response = client.get(_urls(cast)[page])
    assert response.status_code == 200
    assert EXPECTED[page] in _text(response)


@pytest.mark.parametrize("page", PAGES)
def test_outsider_gets_404(client, cast, outsider, page):
    client.force_login(outsider)
    assert client.get(_urls(cast)[page]).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, cast, page):
    response = client.get(_urls(cast)[page])
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def _foreign_urls(org, foreign: Cast) -> dict[str, str]:
    """URLs under *my* organization's slug with another organization's ids."""
    return {
        "person-detail": reverse("person-detail", args=[org.slug, foreign.people["ana"].pk]),
        "role-detail": reverse("role-detail", args=[org.slug, foreign.roles["PM"].pk]),
        "task-detail": reverse(
            "task-detail", args=[org.slug, foreign.matrix.pk, foreign.tasks["Pricing"].pk]
        ),
        "matrix-overlap": reverse("matrix-overlap", args=[org.slug, foreign.matrix.pk]),
        "matrix-workload": reverse("matrix-workload", args=[org.slug, foreign.matrix.pk]),
        "matrix-what-if": reverse("matrix-what-if", args=[org.slug, foreign.matrix.pk]),
    }


@pytest.mark.parametrize("page", PAGES[1:])
def test_another_organizations_object_is_404_under_my_slug(client, cast, viewer, page):
    foreign = _build(OrganizationFactory(), name="Theirs")
    client.force_login(viewer)
    assert client.get(_foreign_urls(cast.matrix.organization, foreign)[page]).status_code == 404


def test_task_of_my_matrix_under_another_of_my_matrices_is_404(client, cast, viewer, org):
    other = Matrix.objects.create(organization=org, name="Second")
    client.force_login(viewer)
    url = reverse("task-detail", args=[org.slug, other.pk, cast.tasks["Pricing"].pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("person-detail", [999999]),
        ("role-detail", [999999]),
        ("task-detail", [999999, 1]),
        ("matrix-overlap", [999999]),
        ("matrix-workload", [999999]),
        ("matrix-what-if", [999999]),
    ],
)
def test_missing_object_is_404(client, cast, viewer, org, name, args):
    client.force_login(viewer)
    assert client.get(reverse(name, args=[org.slug, *args])).status_code == 404


def test_missing_task_of_my_matrix_is_404(client, cast, viewer, org):
    client.force_login(viewer)
    assert client.get(reverse("task-detail", args=[org.slug, cast.matrix.pk, 999999])).status_code == 404


# --- Person page ------------------------------------------------------------------------------


def test_person_page_lists_roles_letters_in_words_and_co_owners(client, cast, viewer, org):
    client.force_login(viewer)
    response = client.get(_urls(cast)["person-detail"])
    text = _text(response)
    assert "Roles PM Product manager" in text
    assert "Active" in text
    assert "Pricing: A Accountable — with PMM: R, ENG: C, SALES: I" in text
    assert "Roadmap: A/R Accountable, Responsible — with PMM: I, ENG: R" in text
    assert "Positioning: C Consulted — with PMM: A/R" in text
    page = response.content.decode()
    pricing = reverse("task-detail", args=[org.slug, cast.matrix.pk, cast.tasks["Pricing"].pk])
    assert f'href="{pricing}"' in page
    assert f'href="{reverse("role-detail", args=[org.slug, cast.roles["PMM"].pk])}"' in page


def test_person_page_groups_by_matrix_then_stage(client, cast, viewer):
    client.force_login(viewer)
    text = _text(client.get(_urls(cast)["person-detail"]))
    # Stages in task order: Business (Pricing) before Planning (Positioning, Roadmap) before Programs.
    assert text.index("Ownership") < text.index("Business") < text.index("Planning") < text.index("Programs")
    assert text.index("Positioning") < text.index("Roadmap")


def test_person_holding_both_roles_of_a_task_does_not_list_their_own_role_as_co_owner(
    client, cast, viewer, org
):
    both = PersonFactory(organization=org, name="Bo Both", roles=[cast.roles["PM"], cast.roles["PMM"]])
    client.force_login(viewer)
    text = _text(client.get(reverse("person-detail", args=[org.slug, both.pk])))
    assert "Pricing: A Accountable as PM; R Responsible as PMM — with ENG: C, SALES: I" in text
    assert text.count("Pricing") == 1


def test_person_page_shows_an_inactive_person_and_one_without_letters(client, cast, viewer, org):
    idle = PersonFactory(organization=org, name="Ida Idle")
    client.force_login(viewer)
    assert "Inactive" in _text(client.get(reverse("person-detail", args=[org.slug, cast.people["olga"].pk])))
    text = _text(client.get(reverse("person-detail", args=[org.slug, idle.pk])))
    assert "Ida Idle holds no letters in any live matrix: they hold no role yet." in text


def test_person_page_leaves_out_archived_matrices(client, cast, viewer):
    cast.matrix.status = Matrix.Status.ARCHIVED
    cast.matrix.save(update_fields=["status"])
    client.force_login(viewer)
    text = _text(client.get(_urls(cast)["person-detail"]))
    assert "Pricing" not in text
    assert "holds no letters in any live matrix" in text


# --- Role page --------------------------------------------------------------------------------


def test_role_page_lists_holders_and_tasks_grouped_by_letter(client, cast, viewer, org):
    client.force_login(viewer)
    response = client.get(_urls(cast)["role-detail"])
    text = _text(response)
    assert "Who holds it Pia Park" in text
    assert "Accountable for (A, 2) Positioning Planning A/R Launch Programs" in text
    assert "Responsible for (R, 3) Pricing Business Positioning Planning A/R Win/loss analysis Market" in text
    assert "Informed of (I, 1) Roadmap" in text
    assert "Consulted on" not in text  # PMM is never consulted here
    assert (
        f'href="{reverse("person-detail", args=[org.slug, cast.people["pia"].pk])}"'
        in response.content.decode()
    )


def test_role_page_shows_inactive_holders_apart_and_says_when_nobody_active_holds_it(
    client, cast, viewer, org
):
    cast.people["ana"].active = False
    cast.people["ana"].save(update_fields=["active"])
    client.force_login(viewer)
    text = _text(client.get(reverse("role-detail", args=[org.slug, cast.roles["PM"].pk])))
    assert "Nobody active holds PM." in text
    assert "Inactive: Ana Alvarez, Olga Old" in text


def test_role_page_of_the_drafts_leaves_out_archived_tasks_and_columns_removed_from_the_matrix(
    client, cast, viewer, org
):
    cast.tasks["Pricing"].archived = True
    cast.tasks["Pricing"].save(update_fields=["archived"])
    client.force_login(viewer)
    text = _text(client.get(_urls(cast)["role-detail"], {"view": "draft"}))
    assert "Pricing" not in text
    MatrixRole.objects.filter(matrix=cast.matrix, role=cast.roles["PMM"]).delete()
    text = _text(client.get(_urls(cast)["role-detail"], {"view": "draft"}))
    assert "PMM holds no letters in any live matrix." in text


# --- Task page --------------------------------------------------------------------------------


def test_task_page_says_who_is_accountable_does_the_work_and_is_consulted_and_informed(client, cast, viewer):
    client.force_login(viewer)
    text = _text(client.get(_urls(cast)["task-detail"]))
    assert (
        "Accountable: PM (Ana Alvarez); do the work: PMM (Pia Park); consult: ENG (Eve Engel); "
        "inform: SALES (Sam Sol)." in text
    )
    assert "Stage: Business" in text
    assert "Set price points and packaging." in text
    assert "Olga Old" not in text  # inactive people hold nothing
    assert "Findings Info Every role is on 'Pricing'." in text


def test_task_page_without_findings_says_so(client, cast, viewer, org):
    client.force_login(viewer)
    task = cast.tasks["Roadmap"]
    text = _text(client.get(reverse("task-detail", args=[org.slug, cast.matrix.pk, task.pk])))
    assert (
        "Accountable: PM (Ana Alvarez); do the work: PM (Ana Alvarez), ENG (Eve Engel); consult: nobody"
        in text
    )
    assert "The rules engine has nothing to say about this task." in text


def test_task_page_shows_the_tasks_findings(client, cast, viewer, org):
    client.force_login(viewer)
    task = cast.tasks["Win/loss analysis"]
    text = _text(client.get(reverse("task-detail", args=[org.slug, cast.matrix.pk, task.pk])))
    assert "Accountable: nobody;" in text
    assert "Error 'Win/loss analysis' has no Accountable role" in text
    assert "Pricing" not in text  # other tasks' findings stay on their pages


def test_task_page_of_a_task_archived_in_the_draft_shows_its_letters_without_findings(client, cast, viewer):
    cast.tasks["Pricing"].archived = True
    cast.tasks["Pricing"].save(update_fields=["archived"])
    client.force_login(viewer)
    text = _text(client.get(_urls(cast)["task-detail"], {"view": "draft"}))
    assert "This task is archived" in text
    assert "Accountable: PM (Ana Alvarez)" in text
    assert "Findings" not in text


# --- Search -----------------------------------------------------------------------------------


def test_search_strips_filler_words():
    assert search_terms("Who owns pricing?") == ["pricing"]
    assert search_terms("what does the PMM do?") == ["pmm"]
    assert search_terms("who's responsible for win/loss analysis") == ["win/loss", "analysis"]
    assert search_terms("who?") == ["who"]
    assert search_terms("   ") == []


def test_who_owns_pricing_finds_the_task_pricing_with_its_accountable_role(client, cast, viewer, org):
    client.force_login(viewer)
    response = client.get(reverse("search", args=[org.slug]), {"q": "who owns pricing?"})
    text = _text(response)
    assert "Pricing Ownership · Business — Accountable: PM" in text
    url = reverse("task-detail", args=[org.slug, cast.matrix.pk, cast.tasks["Pricing"].pk])
    assert f'href="{url}"' in response.content.decode()
    assert 'value="who owns pricing?"' in response.content.decode()  # the search box keeps the query


def test_search_matches_descriptions_roles_by_code_or_name_and_people_by_name_or_email(
    client, cast, viewer, org
):
    client.force_login(viewer)
    url = reverse("search", args=[org.slug])
    assert "Pricing" in _text(client.get(url, {"q": "packaging"}))
    text = _text(client.get(url, {"q": "what does pmm do?"}))
    assert "Roles PMM Product marketing" in text
    assert "Roles PM Product manager" in _text(client.get(url, {"q": "product manager"}))
    assert "People Sam Sol SALES" in _text(client.get(url, {"q": "sam.sol@"}))
    text = _text(client.get(url, {"q": "who is Pia"}))
    assert "Pia Park PMM" in text
    assert "No task matches." in text


def test_search_leaves_out_other_organizations_and_archived_matrices(client, cast, viewer, org):
    _build(OrganizationFactory(), name="Theirs")
    archived = Matrix.objects.create(organization=org, name="Old", status=Matrix.Status.ARCHIVED)
    Task.objects.create(matrix=archived, name="Pricing history")
    client.force_login(viewer)
    text = _text(client.get(reverse("search", args=[org.slug]), {"q": "pricing"}))
    assert "1 result" in text
    assert "Theirs" not in text
    assert "Pricing history" not in text


def test_empty_search_gives_a_hint(client, cast, viewer, org):
    client.force_login(viewer)
    text = _text(client.get(reverse("search", args=[org.slug]), {"q": "  "}))
    assert "Type a task, a role or a person" in text


def test_search_limits_results_and_says_so(client, cast, viewer, org):
    Task.objects.bulk_create(
        [Task(matrix=cast.matrix, name=f"Pricing tier {i}", order=200 + i) for i in range(60)]
    )
    client.force_login(viewer)
    text = _text(client.get(reverse("search", args=[org.slug]), {"q": "pricing", "view": "draft"}))
    assert "Showing the first 50 tasks" in text
    assert "Pricing tier 48" in text
    assert "Pricing tier 49" not in text


def test_search_of_nothing_findable_says_so(client, cast, viewer, org):
    client.force_login(viewer)
    text = _text(client.get(reverse("search", args=[org.slug]), {"q": "x" * 5000}))
    assert "0 results" in text
    assert "Nobody matches." in text


# --- Overlap ----------------------------------------------------------------------------------


def test_overlap_defaults_to_pm_and_pmm_and_its_counts_match_the_rules_engine(client, cast, viewer):
    expected = rules.overlap(matrix_grid_get(matrix=cast.matrix), "PM", "PMM")
    client.force_login(viewer)
    text = _text(client.get(_urls(cast)["matrix-overlap"]))
    assert (
        f"PM alone: {len(expected.only_a)} · both: {len(expected.shared)} · "
        f"PMM alone: {len(expected.only_b)} · neither: {len(expected.neither)}"
    ) in text
    # Pricing (PM A, PMM R), Roadmap... shared; Positioning and Win/loss only PMM; Roadmap only PM.
    assert (len(expected.only_a), len(expected.shared), len(expected.only_b)) == (1, 2, 2)
    assert "Both (2) PM and PMM both own these: agree who does what. Pricing — PM: A, PMM: R" in text
    assert "Only PM (1) Product manager owns these; PMM does not. Roadmap — PM: A/R, PMM: I" in text


def test_overlap_svg_is_server_rendered_and_accessible(client, cast, viewer):
    client.force_login(viewer)
    page = client.get(_urls(cast)["matrix-overlap"]).content.decode()
    svg = re.search(r"(?s)<svg\b[^>]*>.*?</svg>", page).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="overlap-venn-title overlap-venn-desc"' in svg
    assert '<title id="overlap-venn-title">Overlap of PM and PMM</title>' in svg
    assert "PM alone owns 1 task; PM and PMM both own 2 tasks; PMM alone owns 2 tasks." in svg
    assert svg.count("<circle") == 2
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no external assets


def test_overlap_form_has_labelled_selects_keeping_the_choice(client, cast, viewer):
    client.force_login(viewer)
    response = client.get(_urls(cast)["matrix-overlap"], {"a": "eng", "b": "SALES"})
    page = response.content.decode()
    assert '<label for="overlap-a">' in page
    assert '<select id="overlap-a" name="a">' in page
    assert '<label for="overlap-b">' in page
    assert '<option value="ENG" selected>' in page
    assert '<option value="SALES" selected>' in page
    assert "Overlap of ENG and SALES" in _text(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"a": "NOPE", "b": "PM"}, "This matrix has no role NOPE."),
        ({"a": "PM", "b": "PM"}, "Pick two different roles to compare; both are PM."),
        ({"a": "<script>", "b": "PM"}, "This matrix has no role <SCRIPT>."),
    ],
)
def test_overlap_with_bad_roles_says_so(client, cast, viewer, params, message):
    client.force_login(viewer)
    response = client.get(_urls(cast)["matrix-overlap"], params)
    assert response.status_code == 200
    assert message in _text(response)
    assert "<svg" not in response.content.decode()
    assert "<SCRIPT>" not in response.content.decode()


def test_overlap_of_a_matrix_without_pm_and_pmm_compares_its_first_two_columns(
    client, org, viewer, build_matrix
):
    matrix = build_matrix(organization=org, name="Eng", roles=["ENG", "OPS", "QA"], fill="empty")
    client.force_login(viewer)
    assert "Overlap of ENG and OPS" in _text(
        client.get(reverse("matrix-overlap", args=[org.slug, matrix.pk]))
    )


def test_overlap_of_a_matrix_with_one_role_explains_why_not(client, org, viewer, build_matrix):
    matrix = build_matrix(organization=org, name="Solo", roles=["ONLY"], fill="empty")
    client.force_login(viewer)
    response = client.get(reverse("matrix-overlap", args=[org.slug, matrix.pk]))
    assert "needs at least two roles" in _text(response)


# --- Workload ---------------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    login = demo_seed()
    member = MembershipFactory(organization=login.organization, level=Membership.Level.VIEWER).user
    return login, member


def test_workload_flags_overloaded_people_and_bottleneck_roles_in_words(client, org, viewer):
    # The demo no longer shows these: its PM and PMM split the work as the seeds recommend, which
    # the calibrated rules accept. Here PM answers for six of eight tasks, PMM for two, and Olga
    # holds PM (with Pat) and PMM in an organization of 50.
    org.headcount = 50
    org.save(update_fields=["headcount"])
    cells = {("Task 6", "PM"): "", ("Task 6", "PMM"): "AR", ("Task 7", "PM"): "", ("Task 7", "PMM"): "AR"}
    cells |= {("Task 5", "ENG"): "R", ("Task 4", "SALES"): "R"}
    matrix = matrix_build(organization=org, tasks=8, roles=["PM", "PMM", "ENG", "SALES"], cells=cells)
    roles = {role.code: role for role in Role.objects.filter(organization=org)}
    PersonFactory(organization=org, name="Olga Ortiz", roles=[roles["PM"], roles["PMM"]])
    for name, code in (("Pat Park", "PM"), ("Eli Eng", "ENG"), ("Sal Sales", "SALES")):
        PersonFactory(organization=org, name=name, roles=[roles[code]])
    findings = rules.analyse(matrix_grid_get(matrix=matrix)).findings
    assert {f.code for f in findings} >= {"person.overload", "role.bottleneck", "role.burnout"}
    client.force_login(viewer)

    text = _text(client.get(reverse("matrix-workload", args=[org.slug, matrix.pk])))

    assert re.search(r"Olga Ortiz PM, PMM [\d. ]+ Overloaded", text)
    assert re.search(r"PM [^·]+ · 2 active holders [\d. ]+ Bottleneck Burnout risk", text)
    assert "Overloaded Olga Ortiz carries" in text  # the finding itself, listed
    assert not re.search(r"PMM [^·]+ · \d active holders? [\d. ]+ Bottleneck", text)


def test_workload_heatmap_shows_numbers_and_shades_by_level(client, cast, viewer):
    client.force_login(viewer)
    response = client.get(_urls(cast)["matrix-workload"])
    page = response.content.decode()
    text = _text(response)
    # PM: A on Pricing and Roadmap, R on Roadmap and Launch, C on Positioning; 4 tasks; load 2*2+2*3+1.
    assert "PM Product manager · 1 active holder 2 2 1 0 4 11" in text
    # PM is never Informed: level 0, no shade; PMM's load is the largest, the deepest shade.
    assert 'class="num heat-0" data-level="0.0">0<' in page
    assert "PMM Product marketing · 1 active holder 2 3 0 1 5 13.25" in text
    assert 'class="num heat-10" data-level="1.0">13.25<' in page
    assert '<th scope="col">Load</th>' in page
    assert '<th scope="row"><a href=' in page
    assert "Olga Old" not in text  # inactive people carry nothing


# --- What-if ----------------------------------------------------------------------------------


def _matrix_state(matrix: Matrix):
    matrix.refresh_from_db()
    cells = sorted(
        Assignment.objects.filter(task__matrix=matrix).values_list("task_id", "role_id", "letters")
    )
    people = sorted(Person.objects.filter(organization=matrix.organization).values_list("id", "active"))
    return matrix.version, cells, people, list(matrix.columns.values_list("role_id", flat=True))


def test_what_if_removing_pmm_shows_losses_and_saves_nothing(client, demo):
    login, member = demo
    before = _matrix_state(login.matrix)
    expected = rules.what_if(matrix_grid_get(matrix=login.matrix), rules.RemoveRole("PMM"))
    client.force_login(member)
    url = reverse("matrix-what-if", args=[login.organization.slug, login.matrix.pk])
    response = client.get(url, {"remove_role": "PMM"})
    text = _text(response)
    assert "Nothing is saved unless you save the result as a new draft." in text
    assert "If role PMM is removed" in text
    assert f"Health: {expected.health_before} → {expected.health_after}" in text
    assert f"Tasks left without an owner or a doer ({len(expected.losses)})" in text
    assert expected.losses
    assert "Positioning Yes Yes" in text  # PMM was Accountable and Responsible
    assert f"Findings introduced ({len(expected.introduced)})" in text
    assert f"Findings resolved ({len(expected.resolved)})" in text
    assert _matrix_state(login.matrix) == before


def test_what_if_removing_a_person_and_merging_roles(client, cast, viewer):
    before = _matrix_state(cast.matrix)
    client.force_login(viewer)
    url = _urls(cast)["matrix-what-if"]
    text = _text(client.get(url, {"remove_person": cast.people["pia"].pk}))
    # Pia is the only active PMM: PMM's tasks lose their doer and owner.
    assert "If Pia Park leaves" in text
    assert "Positioning Yes Yes" in text
    response = client.get(url, {"merge_source": "PMM", "merge_target": "PM"})
    text = _text(response)
    assert "If PMM is merged into PM" in text
    assert "No task loses its Accountable or Responsible." in text
    assert '<option value="PMM" selected>' in response.content.decode()
    assert _matrix_state(cast.matrix) == before


def test_what_if_form_is_a_labelled_get_form(client, cast, viewer):
    client.force_login(viewer)
    response = client.get(_urls(cast)["matrix-what-if"])
    page = response.content.decode()
    assert 'method="get"' in page
    for control in ("wi-person", "wi-source", "wi-target", "wi-role"):
        assert f'<label for="{control}">' in page
        assert f'id="{control}"' in page
    assert "Choose a change above" in _text(response)
    assert "Olga Old" not in page  # only active people can leave


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"remove_person": "abc"}, "Choose a person from the list; “abc” is not one."),
        ({"remove_person": "99999999"}, "No person with id 99999999 in this matrix."),
        ({"remove_role": "NOPE"}, "This matrix has no role NOPE."),
        (
            {"merge_source": "PMM"},
            "To merge roles, choose both the role to merge and the role it merges into.",
        ),
        ({"merge_source": "PM", "merge_target": "PM"}, "Choose two different roles to merge; both are PM."),
        ({"merge_source": "PM", "merge_target": "XX"}, "This matrix has no role XX."),
        (
            {"merge_source": "PMM", "merge_target": "PM", "remove_role": "PMM"},
            "PMM cannot be both merged and removed; choose one.",
        ),
    ],
)
def test_what_if_with_bad_choices_shows_the_message(client, cast, viewer, params, message):
    client.force_login(viewer)
    response = client.get(_urls(cast)["matrix-what-if"], params)
    assert response.status_code == 200
    text = _text(response)
    assert message in text
    assert "Health:" not in text


def test_what_if_person_of_another_organization_is_not_found(client, cast, viewer):
    foreign = _build(OrganizationFactory(), name="Theirs")
    client.force_login(viewer)
    response = client.get(_urls(cast)["matrix-what-if"], {"remove_person": foreign.people["pia"].pk})
    assert f"No person with id {foreign.people['pia'].pk} in this matrix." in _text(response)


# --- Sub-navigation ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["task-detail", "matrix-overlap", "matrix-workload", "matrix-what-if"])
def test_matrix_pages_link_to_each_other_and_the_editor(client, cast, viewer, page, org):
    client.force_login(viewer)
    html_page = client.get(_urls(cast)[page]).content.decode()
    for name in ("matrix-detail", "matrix-overlap", "matrix-workload", "matrix-what-if"):
        assert f'href="{reverse(name, args=[org.slug, cast.matrix.pk])}"' in html_page


# --- Query counts -----------------------------------------------------------------------------

# Common to every page: session, user, membership (require_org), the organization switcher.
# Matrix pages add the matrix and the grid loader's five (columns, tasks, cells, people, roles
# held); the task page adds the task and its discussion threads (none here; with threads, one more
# for their comments: tests/discussion/test_queries.py). The person page adds the person, their roles,
# person_responsibilities_page's five (roles held, the matrices' teams, the holdings, the page's
# tasks, their cells), the matrices' schemes, the role ids and the acknowledgement status
# (latest revisions, acknowledgements); the role page the role,
# its holders and its cells; search its five.
QUERY_BOUNDS = {
    "search": 9,
    "person-detail": 15,
    "role-detail": 7,
    "task-detail": 12,
    "matrix-overlap": 10,
    "matrix-workload": 10,
    "matrix-what-if": 10,
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("extra_tasks", [5, 150])
def test_query_count_does_not_grow_with_the_matrix(
    client, org, viewer, django_assert_max_num_queries, page, extra_tasks
):
    cast = _build(org, extra_tasks=extra_tasks)
    # More people too, so per-person work would show.
    for i in range(extra_tasks // 5):
        PersonFactory(organization=org, name=f"Extra person {i}", roles=[cast.roles["ENG"]])
    url = _urls(cast)[page]
    if page == "search":
        url = reverse("search", args=[org.slug]) + "?q=extra"
    elif page == "matrix-what-if":
        url += f"?remove_person={cast.people['ana'].pk}&merge_source=PMM&merge_target=PM&remove_role=SALES"
    client.force_login(viewer)
    with django_assert_max_num_queries(QUERY_BOUNDS[page]):
        response = client.get(url)
    assert response.status_code == 200


# --- What-if saved as a new draft ------------------------------------------------------------


def _save_url(cast: Cast) -> str:
    return reverse("matrix-what-if-save", args=[cast.matrix.organization.slug, cast.matrix.pk])


def _letters(matrix: Matrix) -> dict[tuple[str, str], str]:
    return {
        (task, role): letters
        for task, role, letters in Assignment.objects.filter(task__matrix=matrix).values_list(
            "task__name", "role__code", "letters"
        )
    }


def test_editor_saves_someone_leaving_with_the_proposal_as_a_new_draft(client, cast, editor):
    before = _matrix_state(cast.matrix)
    grid = matrix_grid_get(matrix=cast.matrix)
    expected = rules.what_if(grid, rules.RemovePerson(cast.people["pia"].pk))
    assert expected.proposal  # Pia is the only PMM: her letters need a new home
    client.force_login(editor)

    response = client.post(_save_url(cast), {"remove_person": cast.people["pia"].pk, "name": "After Pia"})

    saved = Matrix.objects.get(organization=cast.matrix.organization, name="After Pia")
    assert response.status_code == 302
    assert saved.status == Matrix.Status.DRAFT
    names = {task.id: task.name for task in grid.tasks}
    assert _letters(saved) == {
        (names[task_id], code): letters for (task_id, code), letters in expected.proposed_grid.cells.items()
    }
    assert _matrix_state(cast.matrix) == before


def test_saving_a_what_if_with_bad_choices_is_a_400_and_creates_nothing(client, cast, editor):
    client.force_login(editor)
    count = Matrix.objects.count()

    response = client.post(_save_url(cast), {"remove_role": "NOPE"})

    assert response.status_code == 400
    assert "This matrix has no role NOPE." in _text(response)
    assert Matrix.objects.count() == count


def test_saving_a_what_if_under_a_name_already_taken_is_a_400(client, cast, editor):
    client.force_login(editor)

    response = client.post(
        _save_url(cast), {"merge_source": "PMM", "merge_target": "PM", "name": cast.matrix.name}
    )

    assert response.status_code == 400
    assert Matrix.objects.filter(name=cast.matrix.name).count() == 1


def test_viewer_gets_403_on_saving_a_what_if(client, cast, viewer):
    client.force_login(viewer)
    assert client.post(_save_url(cast), {"remove_role": "PMM"}).status_code == 403


def test_outsider_gets_404_on_saving_a_what_if(client, cast, outsider):
    client.force_login(outsider)
    assert client.post(_save_url(cast), {"remove_role": "PMM"}).status_code == 404


def test_editor_looking_at_the_draft_is_offered_to_save_the_what_if(client, cast, editor, viewer):
    url = _urls(cast)["matrix-what-if"]
    params = {"remove_person": cast.people["pia"].pk, "view": "draft"}
    client.force_login(editor)
    assert f'action="{_save_url(cast)}"' in client.get(url, params).content.decode()
    client.force_login(viewer)
    assert f'action="{_save_url(cast)}"' not in client.get(url, params).content.decode()
