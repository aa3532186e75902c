package dev.negmine.text.data;

import dev.negmine.core.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads text data in the forms Python users have:
 * <ul>
 *   <li>JSONL rows {@code {"anchor": ..., "positive": ...}} with optional {@code "negative"} and
 *       {@code "label"} (sentence-transformers' pair / triplet datasets), or {@code {"text": ...,
 *       "label": ...}} (labelled texts);
 *   <li>TSV: {@code anchor TAB positive [TAB negative]} pairs, or labelled texts under a header line
 *       {@code text TAB label}.
 * </ul>
 * Classes: anchor and positive of a row are one class, texts with one label are one class, and
 * classes sharing a text merge (union-find), so identical texts are one item and a duplicate is
 * never a negative. A pair without a label is its own class.
 *
 * <p>Malformed lines (bad JSON, missing or empty fields) are skipped and reported with their line
 * numbers; more than {@code maxBadLines} of them fail the read.
 */
public final class TextReaders {
  private TextReaders() {}

  /** Whether {@code path}'s name marks it as text data. */
  public static boolean isText(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jsonl") || n.endsWith(".tsv");
  }

  /** The number of the first line of {@code path} that is not valid UTF-8 (the reader reads ahead, so it cannot tell). */
  private static long firstNonUtf8Line(Path path) throws IOException {
    java.nio.charset.CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(path))) {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
      long no = 1;
      for (int b = in.read(); ; b = in.read()) {
        if (b == '\n' || b < 0) {
          try {
            strict.decode(java.nio.ByteBuffer.wrap(line.toByteArray()));
          } catch (java.nio.charset.CharacterCodingException e) {
            return no;
          }
          if (b < 0) {
            return no;
          }
          line.reset();
          no++;
        } else {
          line.write(b);
        }
      }
    }
  }

  /**
   * Reads {@code path}.
   *
   * @param warn told one line summarising skipped malformed lines, if any
   */
  public static TextCorpus read(Path path, int maxBadLines, Consumer<String> warn) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("text data not found: " + path);
    }
    if (maxBadLines < 0) {
      throw new IllegalArgumentException("--max-bad-lines must be >= 0, got " + maxBadLines);
    }
    boolean jsonl = path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl");
    Builder b = new Builder(path.toString());
    List<String> bad = new ArrayList<>();
    // strict UTF-8: a malformed byte fails with the file and line named, not mid-stream
    java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    int no = 0;
    try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(path), utf8))) {
      String line;
      boolean labelled = false;
      while ((line = r.readLine()) != null) {
        no++;
        if (no == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a UTF-8 byte-order mark is not part of the first line
        }
        if (line.isBlank()) {
          continue;
        }
        try {
          if (jsonl) {
            b.add(row(line));
          } else {
            String[] f = line.split("\t", -1);
            if (no == 1 && f.length == 2 && f[0].trim().equalsIgnoreCase("text") && f[1].trim().equalsIgnoreCase("label")) {
              labelled = true;
              continue;
            }
            if (no == 1 && f[0].trim().equalsIgnoreCase("anchor") && f.length >= 2 && f[1].trim().equalsIgnoreCase("positive")) {
              continue;
            }
            if (f.length < 2 || f.length > 3 || (labelled && f.length != 2)) {
              throw new IllegalArgumentException("expected " + (labelled ? "text TAB label" : "anchor TAB positive [TAB negative]")
                  + ", got " + f.length + " column(s)");
            }
            Map<String, String> m = new LinkedHashMap<>();
            if (labelled) {
              m.put("text", f[0]);
              m.put("label", f[1]);
            } else {
              m.put("anchor", f[0]);
              m.put("positive", f[1]);
              if (f.length == 3) {
                m.put("negative", f[2]);
              }
            }
            b.add(check(m));
          }
        } catch (IllegalArgumentException e) {
          bad.add("line " + no + ": " + e.getMessage());
        }
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(path + ": line " + firstNonUtf8Line(path) + " is not valid UTF-8 text");
    }
    String first = String.join("; ", bad.subList(0, Math.min(3, bad.size())));
    if (bad.size() > maxBadLines) {
      throw new IllegalArgumentException(path + ": " + bad.size() + " malformed line(s), more than --max-bad-lines "
          + maxBadLines + " (" + first + ")");
    }
    if (!bad.isEmpty()) {
      warn.accept(path + ": skipped " + bad.size() + " malformed line(s) (" + first + ")");
    }
    return b.build();
  }

  /** One JSONL row as field -> text. */
  static Map<String, String> row(String line) {
    Object o;
    try {
      o = Json.parse(line);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not JSON (" + e.getMessage() + ")");
    }
    if (!(o instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : List.of("anchor", "positive", "negative", "text", "label")) {
      Object v = map.get(k);
      if (v == null) {
        continue;
      }
      if (k.equals("label") && (v instanceof Number || v instanceof Boolean)) {
        v = v instanceof Double dd && dd == Math.rint(dd) ? Long.toString(dd.longValue()) : v.toString();
      }
      if (!(v instanceof String s)) {
        throw new IllegalArgumentException("field '" + k + "' is not a string");
      }
      m.put(k, s);
    }
    return check(m);
  }

  private static Map<String, String> check(Map<String, String> m) {
    boolean pair = m.containsKey("anchor") || m.containsKey("positive");
    if (pair && m.containsKey("text")) {
      throw new IllegalArgumentException("has both 'text' and 'anchor'/'positive'");
    }
    List<String> need = pair ? List.of("anchor", "positive") : List.of("text", "label");
    for (String k : need) {
      if (!m.containsKey(k)) {
        throw new IllegalArgumentException(m.isEmpty() ? "needs 'anchor' and 'positive', or 'text' and 'label'"
            : "missing field '" + k + "'");
      }
    }
    for (Map.Entry<String, String> e : m.entrySet()) {
      if (e.getValue().isBlank()) {
        throw new IllegalArgumentException("empty text in field '" + e.getKey() + "'");
      }
    }
    return m;
  }

  /** Distinct texts and union-find classes. */
  static final class Builder {
    private final String source;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> texts = new ArrayList<>();
    private final List<Integer> parent = new ArrayList<>();
    private final Map<String, Integer> labelNodes = new HashMap<>();
    private final List<int[]> triplets = new ArrayList<>();

    Builder(String source) {
      this.source = source;
    }

    private int node() {
      parent.add(parent.size());
      return parent.size() - 1;
    }

    // items and label nodes share one union-find; item i is node itemNode.get(i)
    private final List<Integer> itemNode = new ArrayList<>();

    private int nodeOf(String text) {
      String t = text.strip();
      Integer id = ids.get(t);
      if (id == null) {
        id = texts.size();
        ids.put(t, id);
        texts.add(t);
        itemNode.add(node());
      }
      return itemNode.get(id);
    }

    private int find(int x) {
      while (parent.get(x) != x) {
        parent.set(x, parent.get(parent.get(x)));
        x = parent.get(x);
      }
      return x;
    }

    private void union(int a, int b) {
      int ra = find(a);
      int rb = find(b);
      if (ra != rb) {
        parent.set(Math.max(ra, rb), Math.min(ra, rb));
      }
    }

    void add(Map<String, String> m) {
      if (m.containsKey("text")) {
        union(nodeOf(m.get("text")), label(m.get("label")));
        return;
      }
      int a = nodeOf(m.get("anchor"));
      int p = nodeOf(m.get("positive"));
      union(a, p);
      if (m.containsKey("label")) {
        union(a, label(m.get("label")));
      }
      if (m.containsKey("negative")) {
        nodeOf(m.get("negative"));
        triplets.add(new int[] {ids.get(m.get("anchor").strip()), ids.get(m.get("positive").strip()),
            ids.get(m.get("negative").strip())});
      }
    }

    private int label(String l) {
      return labelNodes.computeIfAbsent(l.strip(), k -> node());
    }

    TextCorpus build() {
      long[] labels = new long[texts.size()];
      Map<Integer, Long> dense = new HashMap<>();
      for (int i = 0; i < labels.length; i++) {
        labels[i] = dense.computeIfAbsent(find(itemNode.get(i)), k -> (long) dense.size());
      }
      // an explicit negative that ended up in its anchor's class (a duplicate) is no negative
      List<int[]> kept = triplets.stream().filter(t -> labels[t[0]] != labels[t[2]]).toList();
      return new TextCorpus(texts, labels, kept, source);
    }
  }
}
