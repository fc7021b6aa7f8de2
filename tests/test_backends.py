"""Conformance of :mod:`cmkpg.preview.backends` with how Pulumi's state backends parse a
``pulumi.StackReference`` name, and of the stack's reference to itself on each backend.

Mirrors, from pulumi/pulumi (tests are named after the upstream test, ids after its case):

* ``sdk/go/common/tokens/stack_name.go`` and ``stack_name_test.go``
  (TestParseStackName_AcceptsValidInput, TestParseStackName_RejectsInvalidInput);
* ``sdk/go/common/tokens/project.go`` and ``project_test.go`` (TestValidateProjectName);
* ``pkg/backend/diy/store.go`` and ``store_test.go`` (TestLegacyReferenceStore_referencePaths,
  TestProjectReferenceStore_referencePaths, TestProjectReferenceStore_ParseReference,
  TestLegacyReferenceStore_ParseReference_errors,
  TestProjectReferenceStore_ParseReference_errors);
* ``pkg/backend/httpstate/backend.go`` ``parseStackName`` / ``ParseStackReference`` and
  ``backend_test.go`` (TestParseStackReferenceExplicitOrgBeatsEnvVar; ``parseStackName``
  has no unit test upstream, so its cases come from its doc comment).

Upstream compares Go strings, so lengths and positions count UTF-8 bytes and ``%q`` quotes
the offending byte as a Go character literal; the emulation does the same.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import CMK, run_stack

from cmkpg.guard import ChangeRefused
from cmkpg.preview import engine
from cmkpg.preview.azure_mocks import AzureMocks
from cmkpg.preview.backends import (
    ReferenceError,
    StackReference,
    parse_reference,
    parse_stack_name,
    validate_project_name,
)
from cmkpg.preview.cli import innermost

INVALID_STACK_CHAR = (
    "a stack name may only contain alphanumeric, hyphens, underscores, or periods: "
    "invalid character {char} at position {position}"
)
INVALID_PROJECT = "project names may only contain alphanumerics, hyphens, underscores, and periods"
NO_PROJECT_DIY = (
    "no Pulumi.yaml project file found; either run this command from a directory containing "
    "a Pulumi project, or pass the fully qualified stack name (organization/project/stack)"
)
NO_PROJECT_CLOUD = (
    "no Pulumi.yaml project file found; either run this command from a directory containing "
    "a Pulumi project, or pass the fully qualified stack name (org/project/stack)"
)
STACK_REFERENCE = "pulumi:pulumi:StackReference"


def invalid_char(char: str, position: int) -> str:
    return INVALID_STACK_CHAR.format(char=char, position=position)


def reject(call: Callable[..., object], *args: object, **kwargs: object) -> str:
    """The message of the ReferenceError ``call`` raises."""
    with pytest.raises(ReferenceError) as error:
        call(*args, **kwargs)
    return str(error.value)


# -- sdk/go/common/tokens/stack_name_test.go ----------------------------------------------


@pytest.mark.parametrize("name", ["my-stack", "stack", "s-92", "stack_foo", "foo_bar_123"])
def test_TestParseStackName_AcceptsValidInput(name):
    assert parse_stack_name(name) == name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "a stack name may not be empty", id="stack name empty"),
        pytest.param(
            "this-stack-name-is-just-too-long-for-the-service-to-handle-and-should-be-rejected-"
            "by-the-service-because-it-is-just-too-long-for-the-service-to-handle-and-should-"
            "be-rejected-by-the-service",
            "a stack name cannot exceed 100 characters",
            id="stack name too long",
        ),
        pytest.param("!my stack!", invalid_char("'!'", 0), id="invalid start to stack name"),
        pytest.param("my bad", invalid_char("' '", 2), id="invalid rest of stack name"),
        pytest.param("mybad%", invalid_char("'%'", 5), id="invalid end of stack name"),
        pytest.param("foo/bar", invalid_char("'/'", 3), id="invalid slash in stack name"),
    ],
)
def test_TestParseStackName_RejectsInvalidInput(text, message):
    assert reject(parse_stack_name, text) == message


def test_ParseStackName_length_boundary_and_periods():
    # Not upstream cases: the limit is inclusive, and periods are allowed anywhere.
    assert parse_stack_name("a" * 100) == "a" * 100
    assert reject(parse_stack_name, "a" * 101) == "a stack name cannot exceed 100 characters"
    assert parse_stack_name(".my-stack_1.2") == ".my-stack_1.2"


def test_ParseStackName_counts_bytes_not_characters():
    assert reject(parse_stack_name, "é" * 51) == "a stack name cannot exceed 100 characters"


def test_ParseStackName_reports_the_offending_byte():
    assert reject(parse_stack_name, "café") == invalid_char("'Ã'", 3)


@pytest.mark.parametrize(
    ("text", "char", "position"),
    [
        pytest.param("dev\n", "'\\n'", 3, id="newline"),
        pytest.param("my\tstack", "'\\t'", 2, id="tab"),
    ],
)
def test_ParseStackName_quotes_control_characters_like_go(text, char, position):
    assert reject(parse_stack_name, text) == invalid_char(char, position)


# -- sdk/go/common/tokens/project_test.go -------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("foo", id="valid"),
        pytest.param("SampleProject", id="Correct Project Name"),
        pytest.param("PulumiProject", id="Project Name starting with the word Pulumi"),
    ],
)
def test_TestValidateProjectName_valid(name):
    assert validate_project_name(name) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("", "project names may not be empty", id="empty"),
        pytest.param("a" * 101, "project names are limited to 100 characters", id="too long"),
        pytest.param("foo bar", INVALID_PROJECT, id="not a name"),
        pytest.param(
            "SampleProject!", INVALID_PROJECT, id="Project Name with unsupported punctuation"
        ),
        pytest.param(
            "cZClTe6xrjgKzH5QS8rFEPqYK1z4bbMeMr6n89n87djq9emSAlznQXXkkCEpBBCaZAFNlCvbfqVcqoifYl"
            "fPl11hvekIDjXVIY7m1",
            "project names are limited to 100 characters",
            id="Project Name greater than 100 characters",
        ),
        pytest.param("", "project names may not be empty", id="Empty Project Name"),
    ],
)
def test_TestValidateProjectName_errors(name, message):
    assert reject(validate_project_name, name) == message


def test_ValidateProjectName_rejects_a_trailing_newline():
    assert reject(validate_project_name, "foo\n") == INVALID_PROJECT


def test_ValidateProjectName_counts_bytes_not_characters():
    assert reject(validate_project_name, "é" * 51) == "project names are limited to 100 characters"


# -- pkg/backend/diy/store_test.go: legacy layout -----------------------------------------


def test_TestLegacyReferenceStore_referencePaths():
    ref = parse_reference("diy-legacy", "foo", project="cmkpg", organization="organization")
    assert ref.stack == "foo"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        pytest.param("", "a stack name may not be empty", id="empty"),
        pytest.param("foo/bar", invalid_char("'/'", 3), id="invalid name"),
        pytest.param("foo/bar/baz", invalid_char("'/'", 3), id="too many parts"),
        pytest.param(
            "a" * 101, "a stack name cannot exceed 100 characters", id="over 100 characters"
        ),
    ],
)
def test_TestLegacyReferenceStore_ParseReference_errors(reference, message):
    # Upstream only asserts an error; its message is tokens.ParseStackName's.
    got = reject(
        parse_reference, "diy-legacy", reference, project="cmkpg", organization="organization"
    )
    assert got == message


# -- pkg/backend/diy/store_test.go: project layout ----------------------------------------


def test_TestProjectReferenceStore_referencePaths():
    ref = parse_reference(
        "diy", "organization/myproject/mystack", project="test", organization="organization"
    )
    assert ref == StackReference("organization", "myproject", "mystack")


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        pytest.param("foo", StackReference("organization", "currentProject", "foo"), id="simple"),
        pytest.param(
            "organization/foo",
            StackReference("organization", "currentProject", "foo"),
            id="organization",
        ),
        pytest.param(
            "organization/project/foo",
            StackReference("organization", "project", "foo"),
            id="fully qualified",
        ),
    ],
)
def test_TestProjectReferenceStore_ParseReference(reference, expected):
    ref = parse_reference("diy", reference, project="currentProject", organization="organization")
    assert ref == expected


@pytest.mark.parametrize(
    ("reference", "want", "message"),
    [
        pytest.param("", "must not be empty", "stack name must not be empty", id="empty"),
        pytest.param(
            "foo/bar/baz",
            "organization name must be 'organization'",
            "organization name must be 'organization'",
            id="bad organization",
        ),
        pytest.param(
            "organization/" + "a" * 101 + "/foo",
            "project names are limited to 100 characters",
            "project names are limited to 100 characters",
            id="long project name",
        ),
        pytest.param(
            "organization/foo/" + "a" * 101,
            "a stack name cannot exceed 100 characters",
            "a stack name cannot exceed 100 characters",
            id="long project stack name",
        ),
        pytest.param(
            "organization/foo",
            "no Pulumi.yaml project file found",
            NO_PROJECT_DIY,
            id="no current project",
        ),
        pytest.param(
            "organization/foo:bar/baz",
            "may only contain alphanumeric",
            INVALID_PROJECT,
            id="invalid project name",
        ),
        pytest.param(
            "organization/foo/baz:qux",
            "may only contain alphanumeric",
            invalid_char("':'", 3),
            id="invalid stack name",
        ),
    ],
)
def test_TestProjectReferenceStore_ParseReference_errors(reference, want, message):
    # Upstream: no current project (nil) and assert.ErrorContains(wantErr); the full message
    # is pinned from store.go / tokens as well.
    got = reject(parse_reference, "diy", reference, project=None, organization="organization")
    assert want in got
    assert got == message


def test_ProjectReferenceStore_ParseReference_four_parts_leave_the_name_empty():
    # store.go's switch has no default: four parts leave org, project and name empty.
    assert (
        reject(parse_reference, "diy", "a/b/c/d", project="cmkpg", organization="organization")
        == "a stack name may not be empty"
    )
    assert (
        reject(parse_reference, "diy", "a/b/c/d", project=None, organization="organization")
        == NO_PROJECT_DIY
    )


# -- pkg/backend/httpstate/backend.go ------------------------------------------------------


def test_TestParseStackReferenceExplicitOrgBeatsEnvVar():
    explicit = parse_reference(
        "cloud", "explicit-org/proj/stack", project="proj", organization="env-org"
    )
    assert explicit == StackReference("explicit-org", "proj", "stack")
    inferred = parse_reference("cloud", "stack", project="proj", organization="env-org")
    assert inferred == StackReference("env-org", "proj", "stack")


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        pytest.param("alpha", StackReference("acme", "cmkpg", "alpha"), id="alpha"),
        pytest.param("alpha/beta", StackReference("alpha", "cmkpg", "beta"), id="alpha/beta"),
        pytest.param(
            "alpha/beta/gamma", StackReference("alpha", "beta", "gamma"), id="alpha/beta/gamma"
        ),
    ],
)
def test_cloudBackend_parseStackName(reference, expected):
    assert parse_reference("cloud", reference, project="cmkpg", organization="acme") == expected


def test_cloudBackend_parseStackName_more_than_three_parts():
    assert (
        reject(parse_reference, "cloud", "a/b/c/d", project="cmkpg", organization="acme")
        == "could not parse stack name 'a/b/c/d'"
    )


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        pytest.param("acme/cmkpg/bad name", invalid_char("' '", 3), id="invalid stack name"),
        pytest.param("", "a stack name may not be empty", id="empty"),
        pytest.param("acme/cmkpg/", "a stack name may not be empty", id="empty name part"),
    ],
)
def test_cloudBackend_ParseStackReference_validates_the_stack_name(reference, message):
    got = reject(parse_reference, "cloud", reference, project="cmkpg", organization="acme")
    assert got == message


@pytest.mark.parametrize("reference", ["dev", "acme/dev"])
def test_cloudBackend_ParseStackReference_without_current_project(reference):
    got = reject(parse_reference, "cloud", reference, project=None, organization="acme")
    assert got == NO_PROJECT_CLOUD


# -- the stack's reference to itself, through the program ----------------------------------

BACKEND_CASES = [
    pytest.param("diy", engine.ORGANIZATION, "dev", "organization", id="diy"),
    pytest.param("diy-legacy", engine.ORGANIZATION, "dev", "organization", id="diy-legacy"),
    pytest.param("cloud", "acme", "acme/cmkpg/dev", "acme", id="cloud"),
]


@pytest.fixture(scope="module")
def first_deployment() -> engine.Plan:
    return run_stack(CMK)


@pytest.mark.parametrize(("backend", "organization", "name", "owner"), BACKEND_CASES)
def test_deployed_stack_references_itself_by_a_name_its_backend_accepts(
    first_deployment, backend, organization, name, owner
):
    plan = run_stack(
        CMK,
        deployed=first_deployment,
        organization=organization,
        mocks=AzureMocks(backend=backend),
    )
    (reference,) = plan.by_type(STACK_REFERENCE)
    assert (reference.name, reference.read, reference.id) == ("previous-deployment", True, name)
    parsed = parse_reference(backend, name, project="cmkpg", organization=organization)
    assert parsed == StackReference(owner, "cmkpg", "dev")
    # The guard got the last deployment's outputs through it.
    outputs = reference.outputs["outputs"]
    assert outputs["clusterName"] == "cmkpg-dev"
    assert outputs["encryption"] == "customerManaged"
    assert plan.outputs["clusterName"] == "cmkpg-dev"


def test_full_name_would_be_refused_on_the_legacy_layout():
    # What the stack used to call itself on DIY backends: fine on the project layout ...
    assert parse_reference(
        "diy", "organization/cmkpg/dev", project="cmkpg", organization="organization"
    ) == StackReference("organization", "cmkpg", "dev")
    # ... but a legacy store takes the whole string as one stack name.
    got = reject(
        parse_reference,
        "diy-legacy",
        "organization/cmkpg/dev",
        project="cmkpg",
        organization="organization",
    )
    assert got == invalid_char("'/'", 12)


@pytest.mark.parametrize(
    ("backend", "organization"),
    [("diy", engine.ORGANIZATION), ("diy-legacy", engine.ORGANIZATION), ("cloud", "acme")],
    ids=["diy", "diy-legacy", "cloud"],
)
def test_guard_reads_the_last_outputs_on_every_backend(first_deployment, backend, organization):
    config = {"location": "westeurope", "encryption": "serviceManaged"}
    # The engine wraps the refusal; innermost() digs it out.
    with pytest.raises(Exception) as error:
        run_stack(
            config,
            deployed=first_deployment,
            organization=organization,
            mocks=AzureMocks(backend=backend),
        )
    cause = innermost(error.value)
    assert isinstance(cause, ChangeRefused)
    assert "encryption cannot change in place" in str(cause)
    assert "encryption from 'customerManaged' to 'serviceManaged'" in str(cause)
