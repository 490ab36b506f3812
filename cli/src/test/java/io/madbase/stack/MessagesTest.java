package io.madbase.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.madbase.ExitCode;
import io.madbase.chaos.ScenarioLoader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a bad file is told, in the user's terms: never the parser's own words (SnakeYAML's event and
 * token names, Jackson's int range, Java's decoder), always a line and what was written there.
 */
class MessagesTest {
  /** Words that belong to a parser, not to someone editing a file. */
  static final List<String> INTERNALS =
      List.of(
          "org.yaml",
          "com.fasterxml",
          "java.",
          "Event",
          "event",
          "token",
          "<block",
          "<stream",
          "<document",
          "<scalar",
          "out of range of int",
          "Numeric value",
          "Malformed",
          "Input length",
          "Cannot deserialize",
          "Cannot construct",
          "io.madbase",
          "[B@",
          "\u001b");

  static List<String> badSpecs() {
    return List.of(
        "etcd:\n  members: 99999999999\n",
        "etcd:\n  members: -99999999999999999999999\n",
        "etcd:\n  members: .inf\n",
        "etcd:\n  members: .nan\n",
        "failover:\n  patroni:\n    ttl: 1e400\n",
        "failover:\n  patroni:\n    maximum_lag_on_failover: 99999999999999999999999\n",
        "etcd:\n  members: true\n",
        "postgres:\n  synchronous_mode: 1\n",
        "name: [a, b]\n",
        "name: {a: 1}\n",
        "etcd: 3\n",
        "etcd: [1]\n",
        "gateway:\n  hold_deadline: [20s]\n",
        "gateway:\n  hold_deadline: {s: 20}\n",
        "gateway:\n  hold_deadline: 20\n",
        "name: a\nname: b\n",
        "etcd:\n  members: 3\netcd:\n  members: 5\n",
        "etcd:\n\tmembers: 3\n",
        "etcd:\n    members: 3\n  client_port: 5\n",
        "name: a: b\n",
        "name: \"abc\n",
        "etcd: {members: 3\n",
        "name: [a\n",
        "name: \"\\q\"\n",
        "name: a\u0000b\n",
        "name: a\u0007b\n",
        "name: \"\\e[31mred\"\n",
        "name: `shop`\n",
        "name: @shop\n",
        "name: %shop\n",
        "name: &\n",
        "name: *\n",
        "? [a, b]\n: c\n",
        "{a: 1}: x\n",
        "etcd: !!binary aGVsbG8=\n",
        "name: &a x\netcd: *a\n",
        "name: a\n---\nname: b\n",
        "name: a\n...\nname: b\n",
        "- a\n- b\n",
        "42\n",
        "etcd:\n  members:\n    - 3\n",
        "etcd:\n  members: \"3\"\n",
        "x".repeat(5000) + ": 1\n");
  }

  @ParameterizedTest
  @MethodSource("badSpecs")
  void aBadSpecIsToldInTheUsersTermsWithALine(String yaml) {
    SpecException e =
        catchThrowableOfType(SpecException.class, () -> StackSpecLoader.parse("m.yaml", yaml));
    assertThat(e).as("accepted: %s", yaml).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(e.errors()).allSatisfy(err -> assertThat(err.line()).as("%s", err).isPositive());
    for (String internal : INTERNALS) {
      assertThat(e.getMessage()).as("%s", yaml).doesNotContain(internal);
    }
    assertThat(e.getMessage().length()).as("a bounded message").isLessThan(600);
  }

  static List<String> badScenarios() {
    return List.of(
        "name: x\nmethod:\n  - action: crash_node\n  - action: await_recovery\n"
            + "    timeout: 99999999999h\n",
        "name: x\nprobes:\n  haproxy_writer: {}\nmethod:\n  - action: crash_node\nslo:\n"
            + "  failed_haproxy_writes: 99999999999\n",
        "name: x\nmethod:\n  - action: signal_gateway\nslo:\n  clean_exit: \"yes\"\n",
        "name: x\nmethod:\n  action: crash_node\n",
        "name: x\nmethod:\n  - [crash_node]\n",
        "name: x\nmethod:\n  - action: \"\\e[2Jboom\"\n",
        "name: x\nmethod:\n  - action: " + "z".repeat(3000) + "\n",
        "name: x\nmethod:\n  - action: crash_node\n    target: \"\\e[31mpg1\"\n",
        "name: x\nmethod:\n  - action: crash_node\n    action: stop_node\n",
        "name: x\nmethod:\n  - action: crash_node\n    target: [pg1]\n",
        "name: \"\\e]0;pwned\\a\"\nmethod:\n  - action: crash_node\n");
  }

  @ParameterizedTest
  @MethodSource("badScenarios")
  void aBadScenarioIsToldInTheUsersTermsWithALine(String yaml) {
    SpecException e =
        catchThrowableOfType(SpecException.class, () -> ScenarioLoader.parse("s.yaml", yaml));
    assertThat(e).as("accepted: %s", yaml).isNotNull();
    assertThat(e.errors()).allSatisfy(err -> assertThat(err.line()).as("%s", err).isPositive());
    for (String internal : INTERNALS) {
      assertThat(e.getMessage()).as("%s", yaml).doesNotContain(internal);
    }
    assertThat(e.getMessage().length()).as("a bounded message").isLessThan(1000);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          etcd:\\n  members: 99999999999 | m.yaml:2:3: etcd.members: expected a whole number between -2147483648 and 2147483647, got '99999999999'
          etcd:\\n  members: .inf | m.yaml:2:3: etcd.members: expected a whole number, got '.inf'
          failover:\\n  patroni:\\n    ttl: 1e400 | m.yaml:3:5: failover.patroni.ttl: expected a whole number, got '1e400'
          etcd:\\n  members: "3" | m.yaml:2:3: etcd.members: expected a whole number, got '3' (in quotes, which makes it text: remove them)
          gateway:\\n  hold_deadline: [20s] | m.yaml:2:3: gateway.hold_deadline: expected a duration such as 500ms, 2s, 1m or 1h, got a list
          name: {a: 1} | m.yaml:1:1: name: expected a text value, got a mapping
          ? [a, b]\\n: c | m.yaml:1:3: a key must be a plain name, not a list
          {a: 1}: x | m.yaml:1:1: a key must be a plain name, not a mapping
          name: a\\nname: b | m.yaml:2:1: key 'name' is set twice in this mapping (first on line 1)
          etcd:\\n    members: 3\\n  client_port: 5 | m.yaml:3:3: not valid YAML: the indentation here does not line up with the lines above (keys of one mapping start in the same column; a list item starts with '- ')
          etcd:\\n\\tmembers: 3 | m.yaml:2:1: not valid YAML: a tab: YAML indents with spaces only
          name: a: b | m.yaml:1:8: not valid YAML: a ':' here cannot start a value (put a value that holds ': ' in quotes, or check the indentation of this line)
          name: "abc | m.yaml:1:11: not valid YAML: the file ends inside quoted text: a closing quote is missing
          etcd: {members: 3 | m.yaml:1:18: not valid YAML: expected ',' or '}', but got the end of the file (in a '{ }' mapping)
          name: @shop | m.yaml:1:7: not valid YAML: '@' cannot start a value (YAML reserves it): put the value in quotes
          name: "\\\\q" | m.yaml:1:9: not valid YAML: '\\q' is no escape in double-quoted text: use single quotes for text with backslashes
          name: a\\u0007b | m.yaml:1:8: a control character (U+0007) is not allowed in YAML text: remove it
          name: a\\n...\\nname: b | m.yaml:3:1: not valid YAML: after the end of a document ('...') only a new document can start, and a madbase file holds one
          """)
  void theMessageSaysWhatIsWrongWhere(String yaml, String message) {
    String text =
        yaml.replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\u0007", "\u0007")
            .replace("\\\\", "\\");
    SpecException e =
        catchThrowableOfType(SpecException.class, () -> StackSpecLoader.parse("m.yaml", text));
    assertThat(e).as("accepted: %s", text).isNotNull();
    assertThat(e.getMessage()).isEqualTo(message);
  }

  @Test
  void aLongValueIsCutAndAControlCharacterShownNotObeyed() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () -> StackSpecLoader.parse("m.yaml", "name: \"\\e[2J" + "y".repeat(5000) + "\"\n"));
    assertThat(e.getMessage())
        .contains("(got '\\u001b[2Jyyy")
        .contains("... (5004 characters)')")
        .doesNotContain("\u001b")
        .hasSizeLessThan(300);
  }

  @Test
  void shownEscapesAndCuts() {
    assertThat(Problems.shown("a\nb\tc\u0000")).isEqualTo("a\\nb\\tc\\u0000");
    assertThat(Problems.shown("x".repeat(61))).isEqualTo("x".repeat(60) + "... (61 characters)");
    assertThat(Problems.shown("🎉")).isEqualTo("🎉");
  }
}
