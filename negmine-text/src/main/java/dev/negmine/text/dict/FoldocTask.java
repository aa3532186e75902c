package dev.negmine.text.dict;

import com.google.gson.JsonObject;
import dev.negmine.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BEIR-layout retrieval task built offline from FOLDOC, the Free On-line Dictionary of Computing
 * (Debian {@code dict-foldoc}, GNU FDL 1.1+; the notice is copied into the task as {@code LICENSE}).
 * A query is a term (a headword: a few words, an acronym or a name); its relevant document is the
 * term's definition, with the term itself removed from the text (replaced by "[term]"), so the
 * task is recognising a concept from its description rather than matching the name. Entries are
 * grouped by their first subject tag ({@code <networking>}, {@code <language>}, ...); groups are
 * shuffled with the seed and assigned whole to test (about 15% of the entries), dev (about 10%) and
 * train, so test queries come from subjects never trained on. Entries without a tag, and the
 * {@code <spelling>} entries (misspellings pointing elsewhere), are left out; every kept definition
 * is in the one corpus. Deterministic for a given seed and dictionary.
 */
public final class FoldocTask {
  /** The task name the CLI takes. */
  public static final String NAME = "foldoc";
  /** Default seed of the group assignment. */
  public static final long SEED = 17;

  private static final Pattern TAG = Pattern.compile("^<([^>]*)>\\s*");
  private static final Pattern DATE = Pattern.compile("\\(\\d{4}-\\d{2}-\\d{2}\\)");
  /** Documents are cut to this many characters (about 250 word pieces): definitions past it rarely matter for the term. */
  static final int MAX_CHARS = 1200;

  private FoldocTask() {}

  /** One kept entry. */
  record Item(String id, String group, List<String> terms, String text) {}

  /**
   * Writes the task into {@code out} (corpus.jsonl, queries.jsonl, qrels/{train,dev,test}.tsv,
   * LICENSE, README) from the dictionary in {@code dictDir} (normally /usr/share/dictd).
   *
   * @return one line describing the task
   */
  public static String build(Path dictDir, Path out, long seed) throws IOException {
    List<Item> items = items(Dictd.read(dictDir, "foldoc"));
    Map<String, String> split = assign(items, seed);
    Files.createDirectories(out.resolve("qrels"));
    StringBuilder corpus = new StringBuilder();
    for (Item it : items) {
      JsonObject o = new JsonObject();
      o.addProperty("_id", it.id());
      o.addProperty("title", "");
      o.addProperty("text", it.text());
      corpus.append(o).append('\n');
    }
    // a term may name several entries (homonyms): one query, every such entry relevant
    Map<String, String> queryIds = new LinkedHashMap<>();
    Map<String, Map<String, List<String>>> qrels = new TreeMap<>();
    Map<String, String> querySplit = new HashMap<>();
    for (Item it : items) {
      for (String term : it.terms()) {
        String key = term.toLowerCase(java.util.Locale.ROOT);
        String s = split.get(it.group());
        String prev = querySplit.putIfAbsent(key, s);
        if (prev != null && !prev.equals(s)) {
          continue; // a term defined under subjects of two splits stays with the first one only
        }
        String qid = queryIds.computeIfAbsent(key, k -> "q" + queryIds.size());
        qrels.computeIfAbsent(s, k -> new LinkedHashMap<>()).computeIfAbsent(qid, k -> new ArrayList<>()).add(it.id());
      }
    }
    StringBuilder queries = new StringBuilder();
    Map<String, String> firstSpelling = new HashMap<>();
    for (Item it : items) {
      for (String term : it.terms()) {
        firstSpelling.putIfAbsent(term.toLowerCase(java.util.Locale.ROOT), term);
      }
    }
    queryIds.forEach((key, qid) -> {
      JsonObject o = new JsonObject();
      o.addProperty("_id", qid);
      o.addProperty("text", firstSpelling.get(key));
      queries.append(o).append('\n');
    });
    AtomicFiles.writeString(out.resolve("corpus.jsonl"), corpus);
    AtomicFiles.writeString(out.resolve("queries.jsonl"), queries);
    Map<String, Integer> counts = new TreeMap<>();
    for (String s : List.of("train", "dev", "test")) {
      StringBuilder tsv = new StringBuilder("query-id\tcorpus-id\tscore\n");
      Map<String, List<String>> m = qrels.getOrDefault(s, Map.of());
      m.forEach((q, docs) -> docs.forEach(d -> tsv.append(q).append('\t').append(d).append("\t1\n")));
      counts.put(s, m.size());
      AtomicFiles.writeString(out.resolve("qrels").resolve(s + ".tsv"), tsv);
    }
    Path copyright = Path.of("/usr/share/doc/dict-foldoc/copyright");
    String notice = Files.isRegularFile(copyright) ? Files.readString(copyright, StandardCharsets.UTF_8)
        : "FOLDOC, the Free On-line Dictionary of Computing, Copyright 1993 by Denis Howe; GNU Free Documentation License 1.1 or later.\n";
    AtomicFiles.writeString(out.resolve("LICENSE"), "This task is derived from FOLDOC as packaged by Debian (dict-foldoc).\n\n" + notice);
    String desc = String.format(java.util.Locale.ROOT,
        "foldoc: %d definitions (FOLDOC, GNU FDL), queries train %d / dev %d / test %d from disjoint subject groups (seed %d)",
        items.size(), counts.get("train"), counts.get("dev"), counts.get("test"), seed);
    AtomicFiles.writeString(out.resolve("README"), desc + "\nBuilt by negmine from " + dictDir + "; see LICENSE.\n");
    return desc;
  }

  static List<Item> items(List<Dictd.Entry> entries) {
    List<Item> out = new ArrayList<>();
    for (Dictd.Entry e : entries) {
      String[] parts = e.text().split("\n\\s*\n", 2);
      if (parts.length < 2) {
        continue;
      }
      List<String> terms = new ArrayList<>();
      for (String h : parts[0].split("\n")) {
        if (!h.isBlank() && !terms.contains(h.strip())) {
          terms.add(h.strip());
        }
      }
      String body = parts[1].strip();
      Matcher m = TAG.matcher(body);
      if (terms.isEmpty() || !m.find()) {
        continue;
      }
      String group = m.group(1).split(",")[0].strip().toLowerCase(java.util.Locale.ROOT);
      if (group.isEmpty() || group.equals("spelling")) {
        continue;
      }
      String text = clean(body.substring(m.end()), terms);
      if (text.length() < 40) {
        continue;
      }
      out.add(new Item("foldoc-" + out.size(), group, terms, text));
    }
    return out;
  }

  /** Drops cross-reference braces and dates, masks the defined terms, joins lines, cuts to {@link #MAX_CHARS}. */
  static String clean(String body, List<String> terms) {
    String t = DATE.matcher(body.replace("{", "").replace("}", "")).replaceAll(" ");
    for (String term : terms) {
      if (term.length() >= 2) {
        t = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(term) + "(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE)
            .matcher(t).replaceAll("[term]");
      }
    }
    t = t.replaceAll("\\s+", " ").strip();
    if (t.length() > MAX_CHARS) {
      int cut = t.lastIndexOf(' ', MAX_CHARS);
      t = t.substring(0, cut > MAX_CHARS / 2 ? cut : MAX_CHARS);
    }
    return t;
  }

  /** Group -> split: groups in seeded order fill test to 15% of the entries, then dev to 10%, the rest train. */
  static Map<String, String> assign(List<Item> items, long seed) {
    Map<String, Integer> sizes = new TreeMap<>();
    for (Item it : items) {
      sizes.merge(it.group(), 1, Integer::sum);
    }
    List<String> groups = new ArrayList<>(sizes.keySet());
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = groups.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      String tmp = groups.get(i);
      groups.set(i, groups.get(j));
      groups.set(j, tmp);
    }
    int total = items.size();
    int test = 0;
    int dev = 0;
    Map<String, String> out = new HashMap<>();
    for (String g : groups) {
      int n = sizes.get(g);
      // a group that would overshoot a held-out split by more than half its target goes to train
      if (test < 0.15 * total && test + n <= 0.225 * total) {
        out.put(g, "test");
        test += n;
      } else if (dev < 0.10 * total && dev + n <= 0.15 * total) {
        out.put(g, "dev");
        dev += n;
      } else {
        out.put(g, "train");
      }
    }
    return out;
  }
}
