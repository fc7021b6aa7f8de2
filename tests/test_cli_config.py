"""Conformance of the offline CLI config emulation (cmkpg.preview.cli_config, goyaml,
property_path) with pulumi/pulumi's own tests.

Each test is named after the upstream test (and subtest) whose case it mirrors, from:
``pkg/workspace/config_project_test.go``, ``pkg/workspace/config_test.go``
(``TestValidateStackConfigValues``), ``sdk/go/common/workspace/project_test.go``,
``sdk/go/common/resource/config/map_test.go`` (``TestGetSuccess``, ``TestSetSuccess``,
``TestSetFail``) and ``pkg/cmd/pulumi/config/config_test.go`` (``TestConfigSet``). Cases
marked "derived" have no upstream test: they pin behaviour read from the source
(``mergeConfig``, ``createConfigValue``, go-yaml ``resolve``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cmkpg.preview import goyaml, property_path
from cmkpg.preview.cli_config import (
    ConfigDeclaration,
    ConfigMap,
    Project,
    StackConfigError,
    Value,
    check_value,
    config_map,
    engine_config,
    load_project,
    merge,
    stack_config,
)
from cmkpg.preview.property_path import PathError


def project(tmp_path: Path, config_yaml: str, name: str = "test") -> Project:
    text = f"name: {name}\nruntime: python\n"
    if config_yaml:
        text += "config:\n" + textwrap.indent(textwrap.dedent(config_yaml), "  ")
    path = tmp_path / "Pulumi.yaml"
    path.write_text(text)
    return load_project(path)


def prepared(proj: Project, stack_yaml: str, decrypt=lambda text: text) -> dict[str, str]:
    raw = goyaml.load(textwrap.dedent(stack_yaml)) or {}
    return stack_config(raw, proj, "dev", decrypt=decrypt).values


def failure(proj: Project, stack_yaml: str) -> str:
    with pytest.raises(StackConfigError) as error:
        prepared(proj, stack_yaml)
    return error.value.errors[0]


# -- pkg/workspace/config_project_test.go --------------------------------------------------------


def test_TestStackConfigIsInheritedFromProjectConfig(tmp_path):
    proj = project(tmp_path, "instanceSize: t3.micro\ninstanceCount: 20\nprotect: true\n")
    values = prepared(proj, "test:instanceSize: t4.large\n")
    assert values == {
        "test:instanceSize": "t4.large",
        "test:instanceCount": "20",
        "test:protect": "true",
    }


def test_TestNamespacedConfigValuesAreInheritedCorrectly(tmp_path):
    proj = project(
        tmp_path,
        """
        aws:region: us-west-1
        pulumi:disable-default-providers: ["*"]
        instanceSize: t3.micro
        """,
    )
    values = prepared(proj, "test:instanceSize: t4.large\n")
    assert values == {
        "aws:region": "us-west-1",
        "pulumi:disable-default-providers": '["*"]',
        "test:instanceSize": "t4.large",
    }


def test_TestLoadingStackConfigWithoutNamespacingTheProject(tmp_path):
    proj = project(tmp_path, "aws:region: us-west-1\ninstanceSize: t3.micro\n")
    values = prepared(proj, "instanceSize: t4.large\n")
    assert values["test:instanceSize"] == "t4.large" and len(values) == 2


def test_TestUntypedProjectConfigValuesAreNotValidated(tmp_path):
    proj = project(tmp_path, "instanceSize: t3.micro\naws:region: us-west-1\n")
    values = prepared(proj, "instanceSize: 9999\naws:region: 42\n")
    assert values == {"test:instanceSize": "9999", "aws:region": "42"}


def test_TestUntypedProjectConfigValuesWithOnlyDefaultOrOnlyValue(tmp_path):
    proj = project(tmp_path, "instanceSize:\n  default: t3.micro\nregion:\n  value: us-west-1\n")
    values = prepared(proj, "aws:answer: 42\n")
    assert values == {
        "test:instanceSize": "t3.micro",
        "test:region": "us-west-1",
        "aws:answer": "42",
    }


def test_TestUntypedStackConfigValuesDoNeedProjectDeclaration(tmp_path):
    proj = project(tmp_path, "createVpc: true\n")
    values = prepared(proj, "instanceSize: 42\n")
    assert values == {"test:instanceSize": "42", "test:createVpc": "true"}


def test_TestUntypedProjectConfigObjectValuesPassedDownToStack(tmp_path):
    proj = project(
        tmp_path,
        """
        instanceSize:
          value: {hello: world}
        aws:config:
          value: {region: us-west-1}
        """,
    )
    values = prepared(proj, "aws:whatever: 42\n")
    assert values == {
        "test:instanceSize": '{"hello":"world"}',
        "aws:config": '{"region":"us-west-1"}',
        "aws:whatever": "42",
    }


def test_TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped(tmp_path):
    proj = project(
        tmp_path, "values:\n  type: array\n  items:\n    type: string\n  default: [value]\n"
    )
    assert failure(proj, "test:values: someValue\n") == (
        "Stack 'dev' with configuration key 'values' must be of type 'array<string>'"
    )


def test_TestStackConfigIntegerTypeIsCorrectlyValidated(tmp_path):
    proj = project(tmp_path, "importantNumber:\n  type: integer\n")
    assert prepared(proj, "test:importantNumber: 20\n") == {"test:importantNumber": "20"}
    assert failure(proj, "test:importantNumber: hello\n") == (
        "Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'"
    )


def test_TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault(tmp_path):
    proj = project(tmp_path, "values:\n  type: array\n  items:\n    type: string\n")
    assert failure(proj, "") == "Stack 'dev' is missing configuration value 'values'"


def test_TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault(tmp_path):
    proj = project(
        tmp_path,
        "another:\n  type: string\nvalues:\n  type: array\n  items:\n    type: string\n",
    )
    assert failure(proj, "") == (
        "Stack 'dev' is missing configuration values 'another' and 'values'"
    )


def test_TestStackConfigErrorsWhenMissingMultipleStackValueForConfigTypeWithNoDefault(tmp_path):
    proj = project(
        tmp_path,
        """
        hello:
          type: integer
        values:
          type: array
          items:
            type: string
        world:
          type: string
        """,
    )
    assert failure(proj, "") == (
        "Stack 'dev' is missing configuration values 'hello', 'values' and 'world'"
    )


def test_TestStackConfigDoesNotErrorWhenProjectHasNotDefinedConfig(tmp_path):
    proj = project(tmp_path, "")
    assert prepared(proj, "hello: 21\nworld: 42\nanother: 42\n") == {
        "test:hello": "21",
        "test:world": "42",
        "test:another": "42",
    }


def test_TestStackConfigSecretIsCorrectlyValidated(tmp_path):
    proj = project(tmp_path, "importantNumber:\n  type: integer\n  secret: true\n")
    # (a) an encrypted value passes; this test decrypter reveals the ciphertext as is
    values = prepared(proj, "test:importantNumber:\n  secure: '20'\n")
    assert values == {"test:importantNumber": "20"}
    # (b) plain text does not
    assert failure(proj, "test:importantNumber: 20\n") == (
        "Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret"
    )


def test_TestStackConfigUInt64(tmp_path):
    proj = project(tmp_path, "")
    values = prepared(proj, "test:instanceSize: 18446744073709551615\n")
    assert values == {"test:instanceSize": "18446744073709551615"}


# -- pkg/workspace/config_test.go, TestValidateStackConfigValues ----------------------------------


def test_TestValidateStackConfigValues_Typed_Config_Validates(tmp_path):
    proj = project(
        tmp_path,
        """
        testInt:
          type: integer
        testNested1.float:
          type: integer
        testNested2.bool:
          type: boolean
        testSecret:
          type: string
          secret: true
        """,
    )
    values = prepared(
        proj,
        """
        test:testInt: 1
        test:testNested1: {"float": 1.0}
        test:testNested2: {"bool": true}
        test:testSecret:
          secure: testValue
        """,
    )
    assert values["test:testNested1"] == '{"float":1}'
    assert values["test:testSecret"] == "testValue"


def test_TestValidateStackConfigValues_Secret_Enforced():
    declaration = ConfigDeclaration(secret=True)
    assert "must be encrypted" in (check_value("dev", "k", declaration, Value("plain")) or "")


def test_TestValidateStackConfigValues_Object_Unmarshal_Error():
    declaration = ConfigDeclaration(type="object")
    problem = check_value("dev", "k", declaration, Value("not-a-json", object=True))
    assert problem is not None and "Expecting value" in problem  # Python's JSON wording


def test_TestValidateStackConfigValues_Type_Mismatch():
    declaration = ConfigDeclaration(type="number")  # an unknown type falls to the array branch
    problem = check_value("dev", "k", declaration, Value("not-a-number"))
    assert problem == "Stack 'dev' with configuration key 'k' must be of type 'number'"


# -- sdk/go/common/workspace/project_test.go -----------------------------------------------------


def test_TestProjectValidationSucceedsForObjectConfigType(tmp_path):
    proj = project(tmp_path, "example:\n  type: object\n  default: {hello: world}\n")
    assert prepared(proj, "") == {"test:example": '{"hello":"world"}'}


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        (
            "instanceSize:\n  type: integer\n  default: hello\n",
            "The default value specified for configuration key 'instanceSize' is not of the "
            "expected type 'integer'",
        ),
        (
            "values:\n  type: array\n  items:\n    type: array\n    items:\n      type: string\n"
            "  default: [hello]\n",
            "The default value specified for configuration key 'values' is not of the expected "
            "type 'array<array<string>>'",
        ),
    ],
    ids=["integer", "array-of-arrays"],
)
def test_TestProjectValidationFailsForIncorrectDefaultValueType(tmp_path, declaration, expected):
    with pytest.raises(StackConfigError) as error:
        project(tmp_path, declaration)
    assert error.value.errors[0].endswith(expected)


def test_TestProjectValidationSucceedsForCorrectDefaultValueType(tmp_path):
    project(
        tmp_path,
        "size:\n  type: integer\n  default: 1\nvalues:\n  type: array\n  items:\n    type: array"
        "\n    items:\n      type: string\n  default: [[hello]]\n",
    )


@pytest.mark.parametrize(
    ("name", "declaration", "expected"),
    [
        (
            "TestNamespacedProjectConfigShouldNotBeExplicitlyTyped",
            "aws:region:\n  type: string\n  value: {region: us-west-1}\n",
            "Configuration key 'aws:region' is not namespaced by the project and should not "
            "define a type",
        ),
        (
            "TestProjectConfigCannotHaveBothValueAndDefault",
            "instanceSize:\n  type: string\n  default: t3.micro\n  value: t4.large\n",
            "project config 'instanceSize' cannot have both a 'default' and 'value' attribute",
        ),
        (
            "TestProjectConfigCannotBeTypedArrayWithoutItems",
            "instanceSize:\n  type: array\n  default: [t3.micro, t4.large]\n",
            "The configuration key 'instanceSize' declares an array but does not specify the "
            "underlying type via the 'items' attribute",
        ),
        (
            "TestNamespacedProjectConfigShouldNotBeProvideDefault",
            "aws:region:\n  default: us-west-1\n",
            "Configuration key 'aws:region' is not namespaced by the project and should not "
            "define a default value. Did you mean to use the 'value' attribute instead of "
            "'default'?",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("Test") else "",
)
def test_project_validation_errors(tmp_path, name, declaration, expected):
    with pytest.raises(StackConfigError) as error:
        project(tmp_path, declaration)
    assert error.value.errors[0].endswith(expected), name


# -- sdk/go/common/resource/config/map_test.go ---------------------------------------------------


def _map(**values: Value) -> ConfigMap:
    return ConfigMap({f"my:{k}": v for k, v in values.items()})


@pytest.mark.parametrize(
    ("key", "root", "stored", "expected"),
    [
        ("my:outer.inner", "outer", Value('{"inner":"value"}', object=True), Value("value")),
        ("my:outer.inner", "outer", Value('{"inner":true}', object=True), Value("true")),
        ("my:outer.inner", "outer", Value('{"inner":100}', object=True), Value("100")),
        ("my:outer.inner", "outer", Value('{"inner":-2}', object=True), Value("-2")),
        (
            "my:outer.inner",
            "outer",
            Value('{"inner":{"secure":"securevalue"}}', object=True, secure=True),
            Value("securevalue", secure=True),
        ),
        (
            "my:outer.inner",
            "outer",
            Value('{"inner":{"nested":"foo"}}', object=True),
            Value('{"nested":"foo"}', object=True),
        ),
        ("my:parent.nested", "parent", Value('{"nested":4.2}', object=True), Value("4.2")),
        ("my:names[1]", "names", Value('["a","b","c"]', object=True), Value("b")),
        ("my:names[3]", "names", Value('["a","b","c"]', object=True), None),
        ("my:outer.inner.nested", "outer", Value('{"inner":"hi"}', object=True), None),
        ('my:["testKey"]', "testKey", Value("testValue"), Value("testValue")),
        ("my:0", "0", Value("zero"), Value("zero")),
    ],
)
def test_TestGetSuccess(key, root, stored, expected):
    assert ConfigMap({f"my:{root}": stored}).get(key, path=True) == expected


def test_TestGetFail():
    with pytest.raises(PathError, match="missing closing quote in property name"):
        ConfigMap().get('my:["foo', path=True)


@pytest.mark.parametrize(
    ("key", "before", "value", "after_root", "after"),
    [
        ("my:outer.inner", None, Value("value"), "outer", Value('{"inner":"value"}', object=True)),
        (
            "my:outer.inner",
            Value("plain"),
            Value("value"),
            "outer",
            Value('{"inner":"value"}', object=True),
        ),
        ("my:outer.inner", None, Value("true"), "outer", Value('{"inner":true}', object=True)),
        ("my:outer.inner", None, Value("10"), "outer", Value('{"inner":10}', object=True)),
        ("my:outer.inner", None, Value("0"), "outer", Value('{"inner":0}', object=True)),
        ("my:outer.inner", None, Value("-1"), "outer", Value('{"inner":-1}', object=True)),
        ("my:outer.inner", None, Value("01"), "outer", Value('{"inner":"01"}', object=True)),
        (
            "my:outer.inner",
            None,
            Value("securevalue", secure=True),
            "outer",
            Value('{"inner":{"secure":"securevalue"}}', object=True, secure=True),
        ),
        ("my:name[0][0]", None, Value("value"), "name", Value('[["value"]]', object=True)),
        (
            "my:name[3]",
            Value('["a","b","c"]', object=True),
            Value("value"),
            "name",
            Value('["a","b","c","value"]', object=True),
        ),
        (
            "my:servers[0].host",
            Value('[{"name":"foo"}]', object=True),
            Value("example"),
            "servers",
            Value('[{"host":"example","name":"foo"}]', object=True),
        ),
        (
            'my:nested["test.Key"]',
            None,
            Value("value"),
            "nested",
            Value('{"test.Key":"value"}', object=True),
        ),
        ('my:["test.Key"]', None, Value("testValue"), "test.Key", Value("testValue")),
    ],
)
def test_TestSetSuccess(key, before, value, after_root, after):
    config = ConfigMap()
    root = key.split(":", 1)[1].split(".")[0].split("[")[0] or after_root
    if before is not None:
        config.values[f"my:{root}"] = before
    config.set(key, value, path=True)
    assert config.values[f"my:{after_root}"] == after


def test_TestSetSuccess_testKey_without_path_stays_a_string():
    config = ConfigMap()
    config.set("my:testKey", Value("10"), path=False)
    assert config.values == {"my:testKey": Value("10")}


@pytest.mark.parametrize(
    ("key", "before", "message"),
    [
        ("my:root[", None, "invalid config key path: missing closing bracket in array index"),
        ('my:root["nested]', None, "missing closing quote in property name"),
        ("my:root.array[abc]", None, 'invalid array index: strconv.ParseInt: parsing "abc"'),
        ('my:[""]', None, "config key is empty"),
        ("my:[0]", None, "first path segement of config key must be a string"),
        ("my:name[-1]", None, "name[-1]: array index out of range"),
        ("my:name[4]", ("name", '["a","b","c"]'), "name[4]: array index out of range"),
        ("my:key.secure", None, 'maps with the single key "secure" are reserved'),
        ("my:outer.inner", ("outer", "[1,2,3]"), "outer.inner: key for an array must be an int"),
        ("my:array[0]", ("array", '{"inner":"value"}'), "array[0]: key for a map must be a string"),
        ("my:outer.inner.nested", ("outer", '{"inner":"value"}'), "outer.inner: expected a map"),
        ("my:outer.inner[0]", ("outer", '{"inner":"value"}'), "outer.inner: expected an array"),
        ("my:root.[1]", None, "invalid config key path: expected property name after '.'"),
    ],
)
def test_TestSetFail(key, before, message):
    config = ConfigMap()
    if before is not None:
        config.values[f"my:{before[0]}"] = Value(before[1], object=True)
    with pytest.raises(PathError) as error:
        config.set(key, Value("value"), path=True)
    assert message in str(error.value)


# -- pkg/cmd/pulumi/config/config_test.go, TestConfigSet ----------------------------------------


@pytest.mark.parametrize(
    ("subtest", "key", "text", "path", "stored"),
    [
        ("toplevel bool", "testProject:test", "true", False, Value("true")),
        ("toplevel int", "testProject:test", "123", False, Value("123")),
        ("toplevel float", "testProject:test", "123.456", False, Value("123.456")),
        ("path'd bool", "testProject:test[0]", "true", True, Value("[true]", object=True)),
        ("path'd int", "testProject:test[0]", "123", True, Value("[123]", object=True)),
        ("path'd float", "testProject:test[0]", "123.456", True, Value('["123.456"]', object=True)),
    ],
)
def test_TestConfigSet(subtest, key, text, path, stored):
    config = ConfigMap()
    config.set(key, Value(text), path=path)
    assert config.values["testProject:test"] == stored, subtest


# -- derived from the source (no upstream test) --------------------------------------------------


def test_derived_dotted_defaults_are_written_into_objects_coerced(tmp_path):
    """createConfigValue + Map.Set(path=true): "3072" and 3072 become JSON numbers, "0123"
    stays a string, [] an empty array."""
    proj = project(
        tmp_path,
        """
        db.size:
          type: integer
          default: 3072
        db.quoted:
          type: integer
          default: "3072"
        db.code:
          type: string
          default: "0123"
        db.tags:
          type: array
          items:
            type: string
          default: []
        db.flag:
          type: boolean
          default: true
        """,
    )
    values = prepared(proj, "")
    assert values == {"test:db": '{"code":"0123","flag":true,"quoted":3072,"size":3072,"tags":[]}'}


def test_derived_a_flat_key_is_not_the_declared_path(tmp_path):
    """A literal top-level `test:db.size` never satisfies the declared path db.size: the
    default is written into the object beside it and the flat key is not type-checked."""
    proj = project(tmp_path, "db.size:\n  type: integer\n  default: 3072\n")
    values = prepared(proj, "test:db.size: not-a-number\n")
    assert values == {"test:db.size": "not-a-number", "test:db": '{"size":3072}'}


def test_derived_a_scalar_root_is_replaced_by_the_object_of_defaults(tmp_path):
    """object.Set's COMPAT rule: a scalar at the first level gives way to a container."""
    proj = project(tmp_path, "db.size:\n  type: integer\n  default: 3072\n")
    assert prepared(proj, "test:db: big\n") == {"test:db": '{"size":3072}'}


def test_derived_a_default_on_a_secret_key_always_fails(tmp_path):
    proj = project(tmp_path, "token:\n  type: string\n  secret: true\n  default: abc\n")
    assert failure(proj, "") == (
        "Stack 'dev' with configuration key 'token' must be encrypted as it's secret"
    )


def test_derived_one_secret_leaf_makes_the_root_key_secret(tmp_path):
    proj = project(tmp_path, "")
    raw = goyaml.load("test:db:\n  user: admin\n  password:\n    secure: s3cret\n")
    config, _ = config_map(raw, proj, "Pulumi.dev.yaml")
    merge(proj, config, "dev")
    result = engine_config(config, lambda text: text)
    assert result.secret_keys == ["test:db"]
    assert result.values["test:db"] == '{"password":"s3cret","user":"admin"}'


def test_derived_numbers_inside_a_string_array_fail_the_type(tmp_path):
    proj = project(tmp_path, "tags:\n  type: array\n  items:\n    type: string\n")
    assert failure(proj, "test:tags: [1, 2]\n") == (
        "Stack 'dev' with configuration key 'tags' must be of type 'array<string>'"
    )


def test_derived_top_level_scalars_are_validated_as_strings(tmp_path):
    proj = project(tmp_path, "port:\n  type: string\nflag:\n  type: boolean\n")
    assert prepared(proj, "test:port: 8080\ntest:flag: True\n") == {
        "test:port": "8080",
        "test:flag": "true",
    }
    assert "must be of type 'boolean'" in failure(proj, "test:port: x\ntest:flag: yes\n")


def test_derived_json_is_go_json(tmp_path):
    """Map.Decrypt: compact JSON, keys sorted, <>& escaped as Go's encoding/json does."""
    proj = project(tmp_path, "")
    values = prepared(proj, "test:o:\n  z: 1.5\n  a: '<tag> & more'\n  big: 1.0e21\n")
    assert values["test:o"] == '{"a":"\\u003ctag\\u003e \\u0026 more","big":1e+21,"z":1.5}'


def test_derived_empty_top_level_value_is_an_empty_string_with_a_warning(tmp_path):
    proj = project(tmp_path, "")
    result = stack_config(goyaml.load("test:empty:\n"), proj, "dev")
    assert result.values == {"test:empty": ""}
    assert result.warnings and 'No value for configuration key "test:empty"' in result.warnings[0]


# -- go-yaml v3 resolution (gopkg.in/yaml.v3 resolve.go, decode.go) -------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"),
        ("on", "on"),
        ("True", True),
        ("FALSE", False),
        ("~", None),
        ("1_000", 1000),
        ("0x1F", 31),
        ("0o17", 15),
        ("0777", 511),
        ("0b101", 5),
        ("1.0", 1.0),
        ("1e3", 1000.0),
        ("12.1", 12.1),
        ("2026-11-28", "2026-11-28 00:00:00 +0000 UTC"),
        ("2026-11-28T06:00:00Z", "2026-11-28 06:00:00 +0000 UTC"),
        ("2026-11-28 06:00:00", "2026-11-28 06:00:00 +0000 UTC"),
        ("2026-1-2", "2026-01-02 00:00:00 +0000 UTC"),
        ("2026-11-28T06:00:00.5Z", "2026-11-28 06:00:00.5 +0000 UTC"),
        ("2026-11-28T06:00:00+02:00", "2026-11-28 06:00:00 +0200 +0200"),
        ("westeurope", "westeurope"),
    ],
)
def test_goyaml_resolves_plain_scalars_like_yaml_v3(text, expected):
    assert goyaml.load(f"v: {text}\n")["v"] == expected


def test_goyaml_quoted_scalars_stay_strings():
    assert goyaml.load("a: '2026-11-28'\nb: \"true\"\nc: '0777'\n") == {
        "a": "2026-11-28",
        "b": "true",
        "c": "0777",
    }


def test_goyaml_refuses_duplicate_keys():
    with pytest.raises(Exception, match='mapping key "a" already defined'):
        goyaml.load("a: 1\na: 2\n")


def test_goyaml_timestamp_reaches_the_program_as_go_text(tmp_path):
    proj = project(tmp_path, "")
    assert prepared(proj, "test:when: 2026-11-28\n") == {
        "test:when": "2026-11-28 00:00:00 +0000 UTC"
    }


# -- properties_path.go --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "elements"),
    [
        ("monitoring.emails[0]", ("monitoring", "emails", 0)),
        ('["a.b"]', ("a.b",)),
        ("tags.env", ("tags", "env")),
        ('nested["test.Key"]', ("nested", "test.Key")),
        ("name[3].foo.bar", ("name", 3, "foo", "bar")),
        ("root.array[*].field", ("root", "array", "*", "field")),
    ],
)
def test_property_paths_parse_like_ParsePropertyPathStrict(path, elements):
    assert property_path.parse(path) == elements
    assert property_path.parse(property_path.render(elements)) == elements


@pytest.mark.parametrize(
    ("pattern", "other", "contained"),
    [
        ("foo.*.baz", "foo.bar.baz.bam", True),
        ("*", "anything[0]", True),
        ("properties", "properties.sku.name", True),
        ("properties.sku", "properties", False),
        ("a[0]", "a[1]", False),
    ],
)
def test_property_path_contains_like_TestPropertyPathContains(pattern, other, contained):
    assert (
        property_path.contains(property_path.parse(pattern), property_path.parse(other))
        is contained
    )
