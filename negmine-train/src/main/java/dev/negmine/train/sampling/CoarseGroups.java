package dev.negmine.train.sampling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A coarse grouping of class labels (a class hierarchy's parent level, or any label attribute):
 * label to group name. Labels not listed form singleton groups of their own. Immutable.
 */
public record CoarseGroups(Map<Long, String> groupOf) {
  /** Fashion-MNIST: tops, bottoms/dress, shoes, bags. */
  public static final String FASHION_MNIST = "fashion-mnist";

  public CoarseGroups {
    if (groupOf == null || groupOf.isEmpty()) {
      throw new IllegalArgumentException("a group map needs at least one label");
    }
    // sorted: the config JSON (compared on resume) must not depend on hash order
    groupOf = java.util.Collections.unmodifiableMap(new TreeMap<>(groupOf));
  }

  /** The built-in Fashion-MNIST map. */
  public static CoarseGroups fashionMnist() {
    Map<Long, String> m = new LinkedHashMap<>();
    for (long l : new long[] {0, 2, 4, 6}) {
      m.put(l, "tops");
    }
    m.put(1L, "bottoms-dress");
    m.put(3L, "bottoms-dress");
    for (long l : new long[] {5, 7, 9}) {
      m.put(l, "shoes");
    }
    m.put(8L, "bags");
    return new CoarseGroups(m);
  }

  /**
   * {@code fashion-mnist}, or a file of {@code LABEL GROUP} lines (also {@code LABEL=GROUP} or
   * {@code LABEL,GROUP}; {@code #} starts a comment).
   */
  public static CoarseGroups load(String spec) throws IOException {
    if (spec.equalsIgnoreCase(FASHION_MNIST)) {
      return fashionMnist();
    }
    Path f = Path.of(spec);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("--groups: " + spec + " is neither 'fashion-mnist' nor a readable file");
    }
    Map<Long, String> m = new LinkedHashMap<>();
    int n = 0;
    for (String line : Files.readAllLines(f)) {
      n++;
      String t = line.replaceAll("#.*", "").trim();
      if (t.isEmpty()) {
        continue;
      }
      String[] kv = t.split("[\\s=,]+", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException(f + " line " + n + ": expected 'LABEL GROUP', got '" + t + "'");
      }
      try {
        if (m.put(Long.parseLong(kv[0]), kv[1].trim()) != null) {
          throw new IllegalArgumentException(f + " line " + n + ": label " + kv[0] + " is listed twice");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(f + " line " + n + ": label '" + kv[0] + "' is not an integer");
      }
    }
    return new CoarseGroups(m);
  }

  /** The group of {@code label} ({@code #label} for labels not listed). */
  public String group(long label) {
    String g = groupOf.get(label);
    return g != null ? g : "#" + label;
  }

  public boolean sameGroup(long a, long b) {
    return group(a).equals(group(b));
  }
}
