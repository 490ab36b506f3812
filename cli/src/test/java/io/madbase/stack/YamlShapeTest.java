package io.madbase.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.madbase.ExitCode;
import io.madbase.chaos.ScenarioLoader;
import io.madbase.chaos.ScenarioSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** YAML that would mean something other than it says is refused, saying so, with line and field. */
class YamlShapeTest {
  record Case(String label, String yaml, int line, String field, String message) {
    @Override
    public String toString() {
      return label;
    }
  }

  static List<Case> refused() {
    return List.of(
        new Case(
            "an alias for a value",
            "name: &sb shop\nredis:\n  master_name: *sb\n",
            3,
            "redis.master_name",
            "'*sb' is a YAML alias, which madbase does not expand (it would be read as the text"
                + " 'sb'): write the value out"),
        new Case(
            "an alias for a section",
            "etcd: &e\n  members: 3\nredis: *e\n",
            3,
            "redis",
            "'*e' is a YAML alias"),
        new Case(
            "a merge key",
            "etcd: &e\n  members: 3\nredis:\n  <<: *e\n",
            4,
            "redis.<<",
            "'*e' is a YAML alias"),
        new Case(
            "an alias bomb",
            "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n",
            2,
            "b.0",
            "'*a' is a YAML alias"),
        new Case(
            "an alias as a key",
            "name: &n x\netcd:\n  members: 3\n  *n : 5\n",
            4,
            "etcd",
            "'*n' is a YAML alias"),
        new Case(
            "a second document",
            "name: a\n---\nname: b\n",
            2,
            "",
            "a second YAML document starts here, and a madbase file holds one: remove the '---'"
                + " and what follows, or move it to a file of its own"),
        new Case(
            "a second document after an end marker",
            "name: a\n...\nname: b\n",
            3,
            "",
            "not valid YAML"),
        new Case("an empty second document", "name: a\n---\n", 2, "", "a second YAML document"),
        new Case(
            "a core tag",
            "name: !!str shop\n",
            1,
            "name",
            "the tag '!!str' is not used in madbase files: remove it (quote a value to make it"
                + " text)"),
        new Case(
            "binary data", "etcd: !!binary aGVsbG8=\n", 1, "etcd", "the tag '!!binary' is not"),
        new Case("a local tag", "name: !shop x\n", 1, "name", "the tag '!shop' is not used"),
        new Case(
            "a tag on a section",
            "etcd: !!map\n  members: 3\n",
            1,
            "etcd",
            "the tag '!!map' is not used"),
        new Case(
            "a Java class tag",
            "etcd: !!javax.script.ScriptEngineManager [x]\n",
            1,
            "etcd",
            "the tag '!!javax.script.ScriptEngineManager' is not used"),
        new Case(
            "a list as a key", "? [a, b]\n: c\n", 1, "", "a key must be a plain name, not a list"),
        new Case(
            "a mapping as a key in a section",
            "name: x\netcd:\n  {a: 1}: x\n",
            3,
            "etcd",
            "a key must be a plain name, not a mapping"),
        new Case(
            "deep nesting",
            "name: " + "[".repeat(100) + "]".repeat(100) + "\n",
            1,
            "name" + ".0".repeat(19),
            "nested more than 20 levels deep"),
        new Case(
            "a syntax error after a value that would bind", "name: [a\n", 2, "", "not valid YAML"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void aStackSpecThatMeansSomethingElseIsRefused(Case c) {
    SpecException e =
        catchThrowableOfType(SpecException.class, () -> StackSpecLoader.parse("m.yaml", c.yaml()));
    assertThat(e).as("accepted: %s", c.yaml()).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    SpecError err = e.errors().get(0);
    assertThat(err.line()).as("%s", err).isEqualTo(c.line());
    assertThat(err.field()).as("%s", err).isEqualTo(c.field());
    assertThat(err.message()).contains(c.message());
    assertThat(e.getMessage()).doesNotContain("org.yaml").doesNotContain("Event");
  }

  @Test
  void anAliasInAScenarioIsRefusedAtItsStep() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                ScenarioLoader.parse(
                    "s.yaml",
                    "name: x\nmethod:\n  - action: crash_node\n    target: &t leader\n"
                        + "  - action: stop_node\n    target: *t\n"));
    assertThat(e.errors().get(0).toString())
        .isEqualTo(
            "s.yaml:6:13: method.1.target: '*t' is a YAML alias, which madbase does not expand"
                + " (it would be read as the text 't'): write the value out");
  }

  @Test
  void aSecondScenarioInTheFileIsRefused() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                ScenarioLoader.parse(
                    "s.yaml",
                    "name: x\nmethod:\n  - action: crash_node\n---\nname: y\nmethod:\n"
                        + "  - action: stop_node\n"));
    assertThat(e.errors().get(0).toString()).startsWith("s.yaml:4:1: a second YAML document");
  }

  @Test
  void aThousandAliasesMakeTwentyLinesNotAThousand() {
    String yaml = "a: &a x\nb: [" + "*a, ".repeat(1000) + "*a]\n";
    SpecException e =
        catchThrowableOfType(SpecException.class, () -> StackSpecLoader.parse("m.yaml", yaml));
    assertThat(e.errors()).hasSize(YamlShape.MAX_ERRORS);
  }

  @Test
  void plainYamlOfEveryShapeMadbaseUsesStillLoads() {
    StackSpec s =
        StackSpecLoader.parse(
            "m.yaml",
            "%YAML 1.1\n---\n# a comment\nname: 'shop'\netcd: {members: 3}\n"
                + "failover:\n  patroni:\n    ttl: 10\n...\n");
    assertThat(s.name()).isEqualTo("shop");
    ScenarioSpec sc =
        ScenarioLoader.parse(
            "s.yaml",
            "---\nname: x\nrollback: [restart_faulted]\nmethod:\n  - {action: crash_node}\n");
    assertThat(sc.method()).hasSize(1);
  }

  @Test
  void aNonSpecificTagOnlyMarksTextAndIsAccepted() {
    assertThat(StackSpecLoader.parse("m.yaml", "name: ! shop\n").name()).isEqualTo("shop");
  }
}
