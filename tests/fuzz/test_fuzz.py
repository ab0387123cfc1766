"""Hostile input, property-based (hypothesis): every form, filter and import of the portal.

Each target posts (or gets) values drawn from strategies of huge and negative numbers,
unicode, NUL, HTML and SQL fragments, wrong types, and missing or tampered formset
management fields. Whatever comes, the answer is a page with errors, a redirect or a refusal
(4xx), never a 5xx; a refused write leaves nothing behind, and the ledger still agrees with
its pledges. `test_every_form_is_fuzzed` fails when a form, formset or filter set is added
to the code without a target here.

The examples are derived from a fixed seed, so CI is repeatable; explore further with
`FUZZ_EXAMPLES=500 FUZZ_RANDOM=1 make test PYTEST_ARGS=tests/fuzz`.
"""

import importlib
import inspect
import io
import os
from dataclasses import dataclass, field

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.tokens import token_create
from companies.models import Company, CompanyVillage
from delivery.models import Evidence, Reminder, Report, ReportLine, ReportTransition
from planning.models import Need, NeedImport, Priority, TargetUnit
from programs import ledger
from programs.models import (
    Amendment,
    Attachment,
    Consultation,
    Invitation,
    PlanBudget,
    Pledge,
    Program,
    ProgramOutput,
    ProgramPartner,
    ProgramTransition,
    Round,
    StrategicPlan,
    StrategyFile,
    UnitClaim,
)

PROJECT_APPS = [
    "core",
    "accounts",
    "regions",
    "companies",
    "planning",
    "programs",
    "delivery",
    "api",
]
# Bases that no page uses directly; their subclasses are fuzzed.
ABSTRACT = {
    "core.forms.BoundedInlineFormSet",
    "core.files.UploadForm",
    "core.filters.PortalFilterSet",
    "delivery.forms._LabelledLines",
}

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20")),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "1e30",
    "-1e400",
    "99999999999999999999999",
    "2147483648",
    "NaN",
    "inf",
    "1.5",
    "1,5",
    "Rp 1.250.000",
    "abc",
    "None",
    "true",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "'; DROP TABLE programs_program; --",
    "\x00",
    "a\x00b",
    "\u202e\u200b",
    "2026-13-45",
    "0001-01-01",
    "99999-01-01",
    "ꦲꦏ꧀ꦱꦫ Jawa",
    "😀" * 40,
    "x" * 5000,
    "36.72.04.1002",
    "../../etc/passwd",
    "²",
]
VALUE = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.text(max_size=40),
)
COUNT = st.one_of(
    st.sampled_from(["", "abc", "-1", "0", "1", "2", "3", "1000", "2147483648", "1e9"]),
    st.integers(min_value=-5, max_value=5).map(str),
)


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), VALUE, st.integers(min_value=-(2**70), max_value=2**70)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def json_of(names: list[str]):
    """A JSON body: any subset of the fields (and lines that name pledges and outputs), each
    with a hostile value of any JSON type."""
    line = st.dictionaries(
        st.sampled_from(["pledge", "output", "quantity", "amount", "x"]), JSON_VALUE, max_size=4
    )
    return st.dictionaries(
        st.sampled_from([*names, "unknown"]),
        st.one_of(JSON_VALUE, st.lists(line, max_size=3)),
        max_size=len(names) + 1,
    )


def fields_of(names: list[str], prefix: str = ""):
    """Any subset of the fields, each with a hostile value, some listed twice."""
    return st.dictionaries(
        st.sampled_from([f"{prefix}{name}" for name in names]),
        st.one_of(VALUE, st.lists(VALUE, max_size=3)),
        max_size=len(names) + 2,
    )


def formset_data(prefix: str, names: list[str]):
    """A formset's rows and its management form, both tampered with."""
    management = st.fixed_dictionaries(
        {},
        optional={
            f"{prefix}-TOTAL_FORMS": COUNT,
            f"{prefix}-INITIAL_FORMS": COUNT,
            f"{prefix}-MIN_NUM_FORMS": COUNT,
            f"{prefix}-MAX_NUM_FORMS": COUNT,
        },
    )
    rows = st.lists(fields_of([*names, "id", "DELETE"]), max_size=3).map(
        lambda rows: {
            f"{prefix}-{index}-{key}": value
            for index, row in enumerate(rows)
            for key, value in row.items()
        }
    )
    return st.tuples(management, rows).map(lambda parts: {**parts[0], **parts[1]})


def filter_names(filterset: type) -> list[str]:
    names = ["page", "order"]
    for name, flt in filterset.base_filters.items():
        if isinstance(flt, django_filters.DateFromToRangeFilter):
            names += [f"{name}_after", f"{name}_before"]
        elif isinstance(flt, django_filters.RangeFilter):
            names += [f"{name}_min", f"{name}_max"]
        else:
            names.append(name)
    return names


def upload(draw_bytes: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, draw_bytes)


CSV_CELL = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=20))
UPLOAD_NAME = st.sampled_from(
    ["kebutuhan.csv", "kebutuhan.xlsx", "x.pdf", "a" * 300 + ".csv", "noext", "..csv", "ª.xlsx"]
)


@st.composite
def spreadsheet(draw):
    """A CSV of needs with the template's header and hostile cells, or random bytes."""
    if draw(st.booleans()):
        header = "Kode prioritas;Kode atau nama kelurahan;Judul;Jumlah;Biaya satuan;Sumber"
        rows = draw(st.lists(st.lists(CSV_CELL, min_size=0, max_size=8), max_size=6))
        ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        text = ending.join([header, *(";".join(row) for row in rows)])
        content = text.encode(draw(st.sampled_from(["utf-8", "utf-16"])), errors="replace")
    else:
        content = draw(st.binary(max_size=2000))
        if draw(st.booleans()):
            content = b"PK\x03\x04" + content
    return {"file": upload(content, draw(UPLOAD_NAME))}


@st.composite
def attachment(draw):
    content = draw(
        st.sampled_from([b"%PDF-1.4 hello", b"\x89PNG\r\n\x1a\n" + b"0" * 20, b"<html>", b""])
    ) + draw(st.binary(max_size=200))
    return {"file": upload(content, draw(UPLOAD_NAME)), "kind": draw(VALUE)}


@dataclass
class Target:
    """One form or filter of the portal: where it lives, who uses it, what to send."""

    name: str
    covers: set[str]
    role: str
    url: object  # world -> URL
    data: object  # strategy of request data
    method: str = "post"  # or get; json-post and json-patch send a JSON body
    models: list = field(default_factory=list)  # rows that must not change on a refusal
    token: bool = False  # through an API token of the role's company that files reports


def names(form_class) -> list[str]:
    return list(form_class.base_fields)


def _targets() -> list[Target]:
    from accounts.forms import LoginForm
    from api import filters as api_filters
    from api.forms import TokenForm
    from api.serializers import ReportChange, ReportNew
    from companies.filters import CompanyFilter
    from companies.forms import CompanyProfileForm, VillageRingForm
    from delivery.filters import ComplianceFilter, ReportFilter
    from delivery.forms import ReportForm, ReportPeriodForm
    from planning.filters import NeedFilter
    from planning.forms import NeedForm
    from programs.filters import InvitationFilter, ProgramFilter
    from programs.forms import (
        AmendmentForm,
        ConsultationForm,
        OutputForm,
        PartnerForm,
        PlanBudgetForm,
        PledgeForm,
        ProgramForm,
        RoundForm,
        StrategicPlanForm,
    )

    program_data = st.tuples(
        fields_of(names(ProgramForm)),
        formset_data("pledges", names(PledgeForm)),
        formset_data("outputs", names(OutputForm)),
        formset_data("partners", names(PartnerForm)),
    ).map(lambda parts: {k: v for part in parts for k, v in part.items()})
    program_forms = {
        "programs.forms.ProgramForm",
        "programs.forms.PledgeForm",
        "programs.forms.PledgeFormSet",
        "programs.forms.BasePledgeFormSet",
        "programs.forms.OutputForm",
        "programs.forms.OutputFormSet",
        "programs.forms.BaseOutputFormSet",
        "programs.forms.PartnerForm",
        "programs.forms.PartnerFormSet",
        "programs.forms.BasePartnerFormSet",
    }
    program_rows = [Program, Pledge, ProgramTransition, ProgramOutput, ProgramPartner]
    report_rows = [Report, ReportLine, Evidence, ReportTransition]
    return [
        Target(
            "program create",
            program_forms,
            "officer_a",
            lambda w: reverse("programs:create"),
            program_data,
            models=program_rows,
        ),
        Target(
            "program edit",
            program_forms,
            "officer_a",
            lambda w: reverse("programs:update", args=[w["draft"]]),
            program_data,
            models=program_rows,
        ),
        Target(
            "program amendment",
            {"programs.forms.AmendmentForm", *program_forms - {"programs.forms.ProgramForm"}},
            "officer_a",
            lambda w: reverse("programs:amend", args=[w["running"]]),
            st.tuples(
                fields_of(names(AmendmentForm)),
                formset_data("pledges", names(PledgeForm)),
                formset_data("outputs", names(OutputForm)),
                formset_data("partners", names(PartnerForm)),
            ).map(lambda parts: {k: v for part in parts for k, v in part.items()}),
            models=[*program_rows, Amendment],
        ),
        Target(
            "pledge steering",
            {"programs.forms.SteerForm"},
            "planner",
            lambda w: reverse("programs:steer", args=[w["submitted"], w["submitted_pledge"]]),
            fields_of(
                ["reason", *(f"{name}_{n}" for n in (1, 2, 3) for name in ("need", "quantity"))]
            ),
            models=[Pledge, Amendment],
        ),
        Target(
            "strategic plan",
            {
                "programs.forms.StrategicPlanForm",
                "programs.forms.StrategyForm",
                "programs.forms.StrategyFileForm",
                "programs.forms.PlanBudgetForm",
                "programs.forms.BasePlanBudgetFormSet",
                "programs.forms.PlanBudgetFormSet",
            },
            "officer_a",
            lambda w: reverse("programs:strategic_plan_update", args=[w["strategic_plan"]]),
            st.tuples(
                fields_of([*names(StrategicPlanForm), "remove_files"]),
                formset_data("budgets", names(PlanBudgetForm)),
            ).map(lambda parts: {k: v for part in parts for k, v in part.items()}),
            models=[StrategicPlan, PlanBudget, StrategyFile],
        ),
        Target(
            "consultation",
            {"programs.forms.ConsultationForm", "programs.forms.StrategyFileForm"},
            "officer_a",
            lambda w: reverse("programs:consultation_create"),
            fields_of(names(ConsultationForm)),
            models=[Consultation, StrategyFile],
        ),
        Target(
            "program transition",
            set(),
            "planner",
            lambda w: reverse("programs:transition", args=[w["submitted"], "revision"]),
            fields_of(["comment"]),
            models=[ProgramTransition],
        ),
        Target(
            "attachment",
            {"programs.forms.AttachmentForm"},
            "officer_a",
            lambda w: reverse("programs:attachment_upload", args=[w["draft"]]),
            attachment(),
            models=[Attachment],
        ),
        Target(
            "company profile",
            {
                "companies.forms.CompanyProfileForm",
                "companies.forms.VillageRingForm",
                "companies.forms.VillageRingFormSet",
                "companies.forms.BaseVillageRingFormSet",
            },
            "officer_a",
            lambda w: reverse("companies:edit", args=[w["company"]]),
            st.tuples(
                fields_of([*names(CompanyProfileForm), "region"]),  # region: one more regency
                formset_data("operating_villages", names(VillageRingForm)),
            ).map(lambda parts: {**parts[0], **parts[1]}),
            models=[CompanyVillage],
        ),
        Target(
            "company profile, another regency's villages asked for",
            set(),
            "officer_a",
            lambda w: reverse("companies:edit", args=[w["company"]]),
            st.fixed_dictionaries({"region": st.one_of(VALUE, st.sampled_from(["64.71", "36"]))}),
            method="get",
        ),
        Target(
            "need create",
            {"planning.forms.NeedForm"},
            "planner",
            lambda w: reverse("planning:need_create"),
            fields_of(names(NeedForm)),
            models=[Need],
        ),
        Target(
            "need edit",
            {"planning.forms.NeedForm"},
            "planner",
            lambda w: reverse("planning:need_update", args=[w["need"]]),
            fields_of(names(NeedForm)),
            models=[Need],
        ),
        Target(
            "need status",
            set(),
            "planner",
            lambda w: reverse("planning:need_status", args=[w["need"]]),
            fields_of(["status"]),
            models=[Need],
        ),
        Target(
            "need admin",
            {"planning.admin.NeedAdminForm"},
            "staff",
            lambda w: reverse("admin:planning_need_change", args=[w["need"]]),
            fields_of([*names(NeedForm), "status"]),
            models=[Need],
        ),
        Target(
            "program admin",
            {"programs.admin.ProgramAdminForm"},
            "staff",
            lambda w: reverse("admin:programs_program_change", args=[w["draft"]]),
            fields_of([*names(ProgramForm), "company", "plan"]),
            models=program_rows,
        ),
        Target(
            "needs import",
            {"planning.forms.NeedImportForm"},
            "planner",
            lambda w: reverse("planning:import"),
            spreadsheet(),
            models=[NeedImport, Need],
        ),
        Target(
            "import confirm",
            set(),
            "planner",
            lambda w: reverse("planning:import_detail", args=[w["import"]]),
            fields_of(["skip_errors"]),
            models=[Need],
        ),
        Target(
            "login",
            {"accounts.forms.LoginForm", "accounts.forms.AdminLoginForm"},
            "anonymous",
            lambda w: reverse("login"),
            fields_of(names(LoginForm)),
        ),
        Target(
            "admin login",
            {"accounts.forms.AdminLoginForm"},
            "anonymous",
            lambda w: reverse("admin:login"),
            fields_of(names(LoginForm)),
        ),
        Target(
            "report period",
            {"delivery.forms.ReportPeriodForm"},
            "officer_a",
            lambda w: reverse("delivery:create", args=[w["running"]]),
            fields_of(names(ReportPeriodForm)),
            models=report_rows,
        ),
        Target(
            "report edit",
            {
                "delivery.forms.ReportForm",
                "delivery.forms.ReportLineFormSet",
                "delivery.forms.BaseReportLineFormSet",
                "delivery.forms.OutputLineFormSet",
                "delivery.forms.BaseOutputLineFormSet",
                "delivery.forms.UnitsForm",
            },
            "officer_a",
            lambda w: reverse("delivery:update", args=[w["draft_report"]]),
            st.tuples(
                fields_of([*names(ReportForm), "units"]),
                formset_data("lines", ["quantity", "amount"]),
                formset_data("output_lines", ["quantity"]),
            ).map(lambda parts: {k: v for part in parts for k, v in part.items()}),
            models=[ReportLine],
        ),
        Target(
            "report decision",
            {"delivery.forms.DecisionForm"},
            "planner",
            lambda w: reverse("delivery:transition", args=[w["report"], "returned"]),
            fields_of(["comment"]),
            models=[ReportTransition],
        ),
        Target(
            "report verification",
            set(),
            "planner",
            lambda w: reverse("delivery:transition", args=[w["report"], "verified"]),
            fields_of(["comment", "returned_units"]),
            models=[ReportTransition],
        ),
        Target(
            "units import",
            {"planning.forms.UnitImportForm"},
            "planner",
            lambda w: reverse("planning:unit_import"),
            st.tuples(spreadsheet(), fields_of(["kind", "priority"])).map(
                lambda parts: {**parts[0], **parts[1]}
            ),
            models=[NeedImport, TargetUnit],
        ),
        Target(
            "pledge units",
            {"programs.forms.UnitPickForm"},
            "officer_a",
            lambda w: reverse("programs:pledge_units", args=[w["draft"], w["draft_pledge"]]),
            fields_of(["units"]),
            models=[UnitClaim],
        ),
        Target(
            "unit erasure",
            {"programs.forms.UnitEraseForm"},
            "planner",
            lambda w: reverse("programs:unit_erase", args=[w["unit"]]),
            fields_of(["reason"]),
            models=[TargetUnit],
        ),
        Target(
            "report submission",
            set(),
            "officer_a",
            lambda w: reverse("delivery:transition", args=[w["draft_report"], "submitted"]),
            fields_of(["comment"]),
            models=[ReportTransition],
        ),
        Target(
            "evidence",
            {"delivery.forms.EvidenceForm"},
            "officer_a",
            lambda w: reverse("delivery:evidence_upload", args=[w["draft_report"]]),
            attachment().map(lambda data: {"file": data["file"], "caption": data["kind"]}),
            models=[Evidence],
        ),
        Target(
            "API token form",
            {"api.forms.TokenForm"},
            "officer_a",
            lambda w: reverse("tokens:list"),
            fields_of(names(TokenForm)),
        ),
        Target(
            "API token's report filters",
            {"api.filters.OwnReportFilter"},
            "officer_a",
            lambda w: reverse("api:own_reports"),
            fields_of(filter_names(api_filters.OwnReportFilter)),
            method="get",
            token=True,
        ),
        Target(
            "API token's compliance filters",
            set(),  # delivery.filters.ComplianceFilter: its page's target covers it
            "planner",
            lambda w: reverse("api:own_compliance"),
            fields_of([*filter_names(ComplianceFilter), "limit", "offset"]),
            method="get",
            token=True,
        ),
        Target(
            "API report filing",
            set(),
            "officer_a",
            lambda w: reverse("api:own_program_reports", args=[w["running"]]),
            json_of(list(ReportNew().fields)),
            method="json-post",
            models=[Report, ReportLine],
            token=True,
        ),
        Target(
            "API report change",
            set(),
            "officer_a",
            lambda w: reverse("api:own_report", args=[w["draft_report"]]),
            json_of(list(ReportChange().fields)),
            method="json-patch",
            models=[Report, ReportLine, ReportTransition],
            token=True,
        ),
        Target(
            "API programs' filters",
            # A token's filters are these but for the statuses (Schemathesis drives them with
            # a token: tests/api/test_schemathesis.py).
            {"api.filters.ProgramFilter", "api.filters.OwnProgramFilter"},
            "anonymous",
            lambda w: reverse("api:programs"),
            fields_of(filter_names(api_filters.ProgramFilter)),
            method="get",
        ),
        Target(
            "API needs' filters",
            {"api.filters.NeedFilter"},
            "anonymous",
            lambda w: reverse("api:needs"),
            fields_of(filter_names(api_filters.NeedFilter)),
            method="get",
        ),
        Target(
            "API villages' filters",
            {"api.filters.VillageFilter"},
            "anonymous",
            lambda w: reverse("api:villages"),
            fields_of(filter_names(api_filters.VillageFilter)),
            method="get",
        ),
        Target(
            "report filters",
            {"delivery.filters.ReportFilter"},
            "planner",
            lambda w: reverse("delivery:list"),
            fields_of(filter_names(ReportFilter)),
            method="get",
        ),
        Target(
            "inbox filters",
            {"programs.filters.ProgramFilter"},
            "planner",
            lambda w: reverse("programs:list"),
            fields_of(filter_names(ProgramFilter)),
            method="get",
        ),
        Target(
            "needs filters",
            {"planning.filters.NeedFilter"},
            "planner",
            lambda w: reverse("planning:need_list"),
            fields_of(filter_names(NeedFilter)),
            method="get",
        ),
        Target(
            "round open",
            {"programs.forms.RoundForm"},
            "planner",
            lambda w: reverse("programs:round_create"),
            fields_of(names(RoundForm)),
            models=[Round, Invitation],
        ),
        Target(
            "round change",
            {"programs.forms.RoundForm"},
            "planner",
            lambda w: reverse("programs:round_update", args=[w["round"]]),
            fields_of(names(RoundForm)),
            models=[Round, Invitation],
        ),
        Target(
            "round reminder",
            set(),
            "planner",
            lambda w: reverse("programs:round_remind", args=[w["round"]]),
            fields_of(["company"]),
            models=[Invitation],
        ),
        Target(
            "round filters",
            {"programs.filters.InvitationFilter"},
            "planner",
            lambda w: reverse("programs:round_detail", args=[w["round"]]),
            fields_of(filter_names(InvitationFilter)),
            method="get",
        ),
        Target(
            "compliance filters",
            {"delivery.filters.ComplianceFilter"},
            "officer_a",
            lambda w: reverse("delivery:compliance"),
            fields_of(filter_names(ComplianceFilter)),
            method="get",
        ),
        Target(
            "compliance reminder",
            set(),
            "planner",
            lambda w: reverse("delivery:compliance_remind"),
            fields_of(["company"]),
            models=[Reminder],
        ),
        Target(
            "company filters",
            {"companies.filters.CompanyFilter"},
            "officer_a",
            lambda w: reverse("companies:list"),
            fields_of(filter_names(CompanyFilter)),
            method="get",
        ),
    ]


TARGETS = _targets()


def project_forms() -> set[str]:
    """Every form, formset and filter set defined in the portal's own modules."""
    found = set()
    kinds = (forms.BaseForm, forms.BaseFormSet, django_filters.FilterSet)
    for app in PROJECT_APPS:
        for part in ("forms", "filters", "admin"):
            try:
                module = importlib.import_module(f"{apps.get_app_config(app).name}.{part}")
            except ModuleNotFoundError:
                continue
            for name, obj in vars(module).items():
                if not (inspect.isclass(obj) and issubclass(obj, kinds)):
                    continue
                home = obj.__module__
                if home.startswith("django"):
                    if obj.__name__ == name:
                        continue  # Django's own class, imported
                    home = module.__name__  # a formset made by a factory in this module
                key = f"{home}.{name}"
                if home.split(".")[0] in PROJECT_APPS:
                    found.add(key)
    return found - ABSTRACT


def test_every_form_is_fuzzed():
    covered = set().union(*(target.covers for target in TARGETS))
    assert project_forms() - covered == set(), "add a fuzz target for these forms"


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_hostile_input_never_breaks_a_page_nor_half_writes(world, client_for, target, settings):
    settings.API_RATE = 1_000_000  # every example counts, none is throttled
    user = world["users"][target.role]
    client = client_for(user)
    client.raise_request_exception = False
    url = target.url(world)
    if target.token:
        membership = user.company_memberships.first()  # an officer's company; a planner's own
        company = membership.company if membership else None
        key = token_create(
            user=user, company=company, name="Fuzz", files_reports=company is not None
        )[1]
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"

    @FUZZ
    @given(data=target.data)
    def attempt(data):
        before = {model: model.objects.count() for model in target.models}
        if target.method == "get":
            response = client.get(url, data)
        elif target.method.startswith("json-"):
            send = getattr(client, target.method.removeprefix("json-"))
            response = send(url, data, content_type="application/json")
        else:
            response = client.post(url, data)
        assert response.status_code < 500, (target.name, data, response.status_code)
        if response.status_code not in (301, 302):
            after = {model: model.objects.count() for model in target.models}
            assert after == before, (target.name, data)
        assert ledger.check() == []
        for upload_file in data.values():
            if isinstance(upload_file, io.IOBase):
                upload_file.seek(0)

    attempt()
    assert Priority.objects.exists() and Company.objects.exists()  # nothing was wiped


# Every formset of the portal and of the admin, posted back whole from its page with its
# management form's counts tampered with: (page, role, context names or "admin", prefixes).
FORMSET_PAGES = [
    (
        lambda w: reverse("programs:update", args=[w["draft"]]),
        "officer_a",
        ("form", "formset", "outputs", "partners"),
        ["pledges", "outputs", "partners"],
    ),
    (
        lambda w: reverse("programs:strategic_plan_update", args=[w["strategic_plan"]]),
        "officer_a",
        ("form", "budgets"),
        ["budgets"],
    ),
    (
        lambda w: reverse("companies:edit", args=[w["company"]]),
        "officer_a",
        ("form", "formset"),
        ["operating_villages"],
    ),
    (
        lambda w: reverse("delivery:update", args=[w["draft_report"]]),
        "officer_a",
        ("form", "lines", "outputs"),
        ["lines", "output_lines"],
    ),
    (
        lambda w: reverse("admin:programs_program_change", args=[w["draft"]]),
        "staff",
        "admin",
        ["pledges", "outputs", "partners"],
    ),
    (
        lambda w: reverse(
            "admin:companies_company_change", args=[Company.objects.get(slug=w["company"]).pk]
        ),
        "staff",
        "admin",
        ["operating_villages", "memberships"],
    ),
]


def tampered_counts(stored: int) -> list[tuple[str, str]]:
    """(INITIAL_FORMS, TOTAL_FORMS) pairs a browser never sends for `stored` rows."""
    more = str(stored + 1)
    return [
        ("0", str(stored)),
        ("-1", str(stored)),
        (more, more),
        ("abc", str(stored)),
        ("0", "0"),
        (str(stored), "-1"),
        (str(stored), "1000"),
        (str(stored), "2147483648"),
    ]


@pytest.mark.parametrize(
    "page",
    FORMSET_PAGES,
    ids=["program", "strategic plan", "company", "report", "program admin", "company admin"],
)
def test_tampered_formset_counts_never_break_a_page_nor_half_write(world, client_for, page):
    from tests.utils import admin_form_data, page_form_data

    url_of, role, names, prefixes = page
    client = client_for(world["users"][role])
    client.raise_request_exception = False
    url = url_of(world)
    rows = [Pledge, ProgramOutput, ProgramPartner, CompanyVillage, ReportLine, Program, Report]
    rows += [PlanBudget]
    for prefix in prefixes:
        response = client.get(url)
        data = admin_form_data(response) if names == "admin" else page_form_data(response, *names)
        stored = int(data[f"{prefix}-INITIAL_FORMS"])
        for initial, total in tampered_counts(stored):
            response = client.get(url)
            data = (
                admin_form_data(response) if names == "admin" else page_form_data(response, *names)
            )
            data[f"{prefix}-INITIAL_FORMS"], data[f"{prefix}-TOTAL_FORMS"] = initial, total
            before = {model: list(model.objects.values()) for model in rows}
            response = client.post(url, data)
            assert response.status_code < 500, (prefix, initial, total, response.status_code)
            if response.status_code != 302:
                after = {model: list(model.objects.values()) for model in rows}
                assert after == before, (prefix, initial, total)
                assert len(response.content) < 400_000, "a page of a thousand lines was drawn"
            assert ledger.check() == []
