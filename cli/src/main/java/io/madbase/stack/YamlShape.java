package io.madbase.stack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * The YAML a madbase file may use, checked over the parser's events before anything is bound: YAML
 * whose meaning the binder would change silently is refused, each with its line and field (issue
 * 13, item 4). Jackson reads only the first document of a file and takes an alias ({@code *sb}) as
 * the text "sb"; tags ({@code !!binary}) would bind as something else again; a list or mapping as a
 * key cannot name a field. Syntax errors surface here too, before any binding error could hide
 * them.
 */
final class YamlShape {
  /**
   * Problems reported of one file at most: a file of a thousand aliases needs no thousand lines.
   */
  static final int MAX_ERRORS = 20;

  /** Deeper than any madbase file goes (they nest four levels); a parser stays far from its own. */
  static final int MAX_DEPTH = 20;

  private YamlShape() {}

  /** One open mapping or list: the key or index being read, and whether a key comes next. */
  private static final class Frame {
    final boolean mapping;
    boolean keyNext = true;
    String key;
    int index = -1;
    final java.util.Map<String, Integer> keyLines = new java.util.HashMap<>();

    Frame(boolean mapping) {
      this.mapping = mapping;
    }
  }

  /**
   * Every problem of shape in {@code text}, located; empty when it is one document of plain
   * mappings, lists and scalars.
   *
   * @throws org.yaml.snakeyaml.error.MarkedYAMLException when the text is not YAML at all
   */
  static List<SpecError> check(String source, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // reported below, with both places
    ParserImpl parser = new ParserImpl(new StreamReader(text), options);
    List<SpecError> errors = new ArrayList<>();
    Deque<Frame> frames = new ArrayDeque<>();
    int documents = 0;
    while (parser.peekEvent() != null && errors.size() < MAX_ERRORS) {
      Event e = parser.getEvent();
      switch (e.getEventId()) {
        case DocumentStart -> {
          if (++documents > 1) {
            errors.add(
                error(
                    source,
                    e.getStartMark(),
                    "",
                    "a second YAML document starts here, and a madbase file holds one: remove"
                        + " the '---' and what follows, or move it to a file of its own"));
            return errors;
          }
        }
        case Alias -> {
          Frame top = frames.peek();
          if (top != null && top.mapping && top.keyNext) {
            top.key = null; // an alias as a key: report it at its mapping
          }
          String field = beginNode(frames);
          errors.add(
              error(
                  source,
                  e.getStartMark(),
                  field,
                  "'*"
                      + Problems.shown(((AliasEvent) e).getAnchor())
                      + "' is a YAML alias, which madbase does not expand (it would be read as"
                      + " the text '"
                      + Problems.shown(((AliasEvent) e).getAnchor())
                      + "'): write the value out"));
          endNode(frames);
        }
        case Scalar -> {
          Frame top = frames.peek();
          boolean isKey = top != null && top.mapping && top.keyNext;
          ScalarEvent s = (ScalarEvent) e;
          if (isKey) {
            Integer first = top.keyLines.putIfAbsent(s.getValue(), e.getStartMark().getLine() + 1);
            if (first != null) {
              top.key = null;
              errors.add(
                  error(
                      source,
                      e.getStartMark(),
                      path(frames),
                      "key '"
                          + Problems.shown(s.getValue())
                          + "' is set twice in this mapping (first on line "
                          + first
                          + ")"));
            }
            top.key = s.getValue();
          }
          String field = beginNode(frames);
          tag(source, s, s.getTag(), field, errors);
          endNode(frames);
        }
        case MappingStart, SequenceStart -> {
          Frame top = frames.peek();
          String kind = e instanceof MappingStartEvent ? "a mapping" : "a list";
          if (top != null && top.mapping && top.keyNext) {
            top.key = null; // the key being read has no name: report it at its mapping
            errors.add(
                error(
                    source,
                    e.getStartMark(),
                    path(frames),
                    "a key must be a plain name, not " + kind));
            return errors; // the fields below have no name to report them by
          }
          String field = beginNode(frames);
          tag(source, (NodeEvent) e, ((CollectionStartEvent) e).getTag(), field, errors);
          if (frames.size() >= MAX_DEPTH) {
            errors.add(
                error(
                    source,
                    e.getStartMark(),
                    field,
                    "nested more than " + MAX_DEPTH + " levels deep; no madbase setting is"));
            return errors;
          }
          frames.push(new Frame(e instanceof MappingStartEvent));
        }
        case MappingEnd, SequenceEnd -> {
          frames.pop();
          endNode(frames);
        }
        default -> {
          // stream and document ends, comments
        }
      }
    }
    return errors;
  }

  /** A node starts in the current frame: its dotted path (a key's own path for a key). */
  private static String beginNode(Deque<Frame> frames) {
    Frame top = frames.peek();
    if (top != null && !top.mapping) {
      top.index++;
    }
    return path(frames);
  }

  /** A node is complete: in a mapping, a key is followed by its value and a value by a key. */
  private static void endNode(Deque<Frame> frames) {
    Frame top = frames.peek();
    if (top != null && top.mapping) {
      top.keyNext = !top.keyNext;
    }
  }

  private static String path(Deque<Frame> frames) {
    List<String> parts = new ArrayList<>();
    var it = frames.descendingIterator();
    while (it.hasNext()) {
      Frame f = it.next();
      if (f.mapping) {
        if (f.key != null) {
          parts.add(f.key);
        }
      } else if (f.index >= 0) {
        parts.add(Integer.toString(f.index));
      }
    }
    return String.join(".", parts);
  }

  private static void tag(
      String source, NodeEvent e, String tag, String field, List<SpecError> errors) {
    if (tag == null || tag.equals("!")) {
      return; // no tag; '!' only marks a plain scalar as text
    }
    String shown = tag.startsWith("tag:yaml.org,2002:") ? "!!" + tag.substring(18) : tag;
    errors.add(
        error(
            source,
            e.getStartMark(),
            field,
            "the tag '"
                + Problems.shown(shown)
                + "' is not used in madbase files: remove it (quote a value to make it text)"));
  }

  private static SpecError error(String source, Mark mark, String field, String message) {
    return new SpecError(source, mark.getLine() + 1, mark.getColumn() + 1, field, message);
  }
}
