package io.madbase.stack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SnakeYAML's syntax messages in a reader's words: its token names ({@code <block mapping start>})
 * and parser states ("while parsing a block mapping") mean nothing to someone editing a file.
 */
final class YamlWords {
  private YamlWords() {}

  private static final Map<String, String> TOKENS = new LinkedHashMap<>();

  static {
    TOKENS.put("'<block mapping start>'", "a key");
    TOKENS.put("'<block sequence start>'", "a list item");
    TOKENS.put("'<block entry>'", "a list item ('- ')");
    TOKENS.put("'<block end>'", "the end of the indented block");
    TOKENS.put("<block end>", "the end of the indented block");
    TOKENS.put("'<flow mapping start>'", "'{'");
    TOKENS.put("'<flow sequence start>'", "'['");
    TOKENS.put("'<flow mapping end>'", "'}'");
    TOKENS.put("'<flow sequence end>'", "']'");
    TOKENS.put("'<flow entry>'", "','");
    TOKENS.put("'<document start>'", "'---'");
    TOKENS.put("'<document end>'", "'...'");
    TOKENS.put("<stream end>", "the end of the file");
    TOKENS.put("'<stream end>'", "the end of the file");
    TOKENS.put("'<scalar>'", "a value");
    TOKENS.put("'<key>'", "a key");
    TOKENS.put("'<value>'", "':'");
    TOKENS.put("'<anchor>'", "an anchor");
    TOKENS.put("'<alias>'", "an alias");
    TOKENS.put("'<tag>'", "a tag");
  }

  private static final Map<String, String> CONTEXTS = new LinkedHashMap<>();

  static {
    CONTEXTS.put("while parsing a block mapping", "in a mapping");
    CONTEXTS.put("while parsing a block collection", "in a list or mapping");
    CONTEXTS.put("while parsing a flow mapping", "in a '{ }' mapping");
    CONTEXTS.put("while parsing a flow sequence", "in a '[ ]' list");
    CONTEXTS.put("while parsing a flow node", "in a value");
    CONTEXTS.put("while parsing a block node", "in a value");
    CONTEXTS.put("while scanning a block scalar", "in '|' or '>' text");
    CONTEXTS.put("while scanning a double-quoted scalar", "in double-quoted text");
    CONTEXTS.put("while scanning a single-quoted scalar", "in single-quoted text");
    CONTEXTS.put("while scanning a quoted scalar", "in quoted text");
    CONTEXTS.put("while scanning a plain scalar", "in a value");
    CONTEXTS.put("while scanning a simple key", "in a key");
    CONTEXTS.put("while scanning an anchor", "in an anchor ('&name')");
    CONTEXTS.put("while scanning an alias", "in an alias ('*name')");
    CONTEXTS.put("while scanning a tag", "in a tag");
    CONTEXTS.put("while scanning a directive", "in a '%' directive");
  }

  /** The problem, and where the parser was, as one sentence for a person. */
  static String problem(String problem, String context) {
    String p = problem == null ? "" : problem.strip();
    String c = context == null ? "" : context.strip();
    if (p.startsWith("found character '\\t(TAB)'")) {
      return "a tab: YAML indents with spaces only";
    }
    if (p.startsWith("expected <block end>")) {
      return "the indentation here does not line up with the lines above (keys of one mapping"
          + " start in the same column; a list item starts with '- ')";
    }
    if (p.startsWith("mapping values are not allowed here")) {
      return "a ':' here cannot start a value (put a value that holds ': ' in quotes, or check"
          + " the indentation of this line)";
    }
    if (p.startsWith("found unexpected end of stream") && c.contains("quoted")) {
      return "the file ends inside quoted text: a closing quote is missing";
    }
    if (p.startsWith("expected '<document start>'")) {
      return "after the end of a document ('...') only a new document can start, and a madbase"
          + " file holds one";
    }
    if (c.contains("while scanning an anchor") || c.contains("while scanning an alias")) {
      return "'&' and '*' start YAML anchors and aliases, which madbase files do not use: put a"
          + " value that starts with one in quotes";
    }
    var cannotStart =
        java.util.regex.Pattern.compile("found character '(.+)' that cannot start any token.*")
            .matcher(p);
    if (cannotStart.matches()) {
      return "'"
          + cannotStart.group(1)
          + "' cannot start a value (YAML reserves it): put the value in quotes";
    }
    var escape =
        java.util.regex.Pattern.compile("found unknown escape character (.)\\(\\d+\\)").matcher(p);
    if (escape.lookingAt()) {
      return "'\\"
          + escape.group(1)
          + "' is no escape in double-quoted text: use single quotes for text with backslashes";
    }
    for (var e : TOKENS.entrySet()) {
      p = p.replace(e.getKey(), e.getValue());
    }
    for (var e : CONTEXTS.entrySet()) {
      c = c.replace(e.getKey(), e.getValue());
    }
    if (c.equals("while scanning for the next token") || c.isEmpty()) {
      return p;
    }
    return p + " (" + c + ")";
  }
}
