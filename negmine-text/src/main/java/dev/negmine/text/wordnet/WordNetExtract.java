package dev.negmine.text.wordnet;

import dev.negmine.core.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Derives the compact WordNet resource bundled with negmine from a WordNet 3.0 dictionary (Debian
 * {@code wordnet-base}, {@code /usr/share/wordnet}). Each lemma goes to the synset of its most
 * frequent noun sense only (the first offset in {@code index.noun}), so no text belongs to two
 * classes; synsets left with at least two distinct lemmas are classes. Classes are taken in whole
 * sibling groups (the class children of one hypernym, at most {@link #MAX_GROUP}), groups ordered
 * by a hash of the hypernym's offset, until {@code maxSynsets} are chosen.
 *
 * <p>Output lines: {@code offset TAB hypernymOffset TAB lemma|lemma|... TAB gloss}, gzip'd.
 */
public final class WordNetExtract {
  static final int MAX_GROUP = 8;

  /** One noun synset as read. */
  record Synset(String offset, List<String> words, String hypernym, String gloss) {}

  private WordNetExtract() {}

  /** Parses one {@code data.noun} line (not a licence line, which starts with spaces). */
  static Synset parseData(String line) {
    int bar = line.indexOf('|');
    String head = bar < 0 ? line : line.substring(0, bar);
    String gloss = bar < 0 ? "" : line.substring(bar + 1).trim();
    String[] f = head.trim().split(" +");
    int w = Integer.parseInt(f[3], 16);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < w; i++) {
      words.add(f[4 + 2 * i].replaceAll("\\(.*\\)$", ""));
    }
    int at = 4 + 2 * w;
    int p = Integer.parseInt(f[at]);
    String hyper = null;
    for (int j = 0; j < p && hyper == null; j++) {
      String sym = f[at + 1 + 4 * j];
      if (sym.equals("@") || sym.equals("@i")) {
        hyper = f[at + 2 + 4 * j];
      }
    }
    return new Synset(f[0], words, hyper, gloss);
  }

  /** A lemma as text: underscores to spaces, lower case. */
  static String text(String lemma) {
    return lemma.replace('_', ' ').toLowerCase(Locale.ROOT);
  }

  /** The first clause of a gloss, without the quoted examples. */
  static String definition(String gloss) {
    int semi = gloss.indexOf(';');
    return (semi < 0 ? gloss : gloss.substring(0, semi)).replace('\t', ' ').trim();
  }

  /** The resource's lines from a dictionary directory. */
  static List<String> extract(Path dict, int maxSynsets) throws IOException {
    return extractBoth(dict, maxSynsets).get(0);
  }

  /**
   * {bundled, extra}: the bundled lines as {@link #extract}, and the extra training lines: every
   * other class synset whose hypernym heads none of the bundled groups (so no sibling of a
   * bundled synset, test or train, is among them), in whole sibling groups (any size, singletons
   * too) ordered by the same hypernym hash.
   */
  static List<List<String>> extractBoth(Path dict, int maxSynsets) throws IOException {
    Map<String, String> firstSense = new TreeMap<>();
    for (String line : Files.readAllLines(dict.resolve("index.noun"), StandardCharsets.UTF_8)) {
      if (line.startsWith(" ")) {
        continue;
      }
      String[] f = line.trim().split(" +");
      int senses = Integer.parseInt(f[2]);
      firstSense.put(text(f[0]), f[f.length - senses]);
    }
    Map<String, Synset> classes = new LinkedHashMap<>();
    Map<String, List<String>> children = new TreeMap<>();
    for (String line : Files.readAllLines(dict.resolve("data.noun"), StandardCharsets.UTF_8)) {
      if (line.startsWith(" ")) {
        continue;
      }
      Synset s = parseData(line);
      Set<String> kept = new LinkedHashSet<>();
      for (String w : s.words()) {
        if (s.offset().equals(firstSense.get(text(w)))) {
          kept.add(text(w));
        }
      }
      if (kept.size() >= 2 && s.hypernym() != null) {
        classes.put(s.offset(), new Synset(s.offset(), List.copyOf(kept), s.hypernym(), definition(s.gloss())));
        children.computeIfAbsent(s.hypernym(), k -> new ArrayList<>()).add(s.offset());
      }
    }
    List<String> hypernyms = new ArrayList<>(children.keySet());
    hypernyms.sort((a, b) -> Long.compare(mix(Long.parseLong(a)), mix(Long.parseLong(b))));
    List<String> out = new ArrayList<>();
    Set<String> used = new LinkedHashSet<>();
    for (String h : hypernyms) {
      List<String> group = children.get(h);
      if (out.size() >= maxSynsets || group.size() < 2) {
        continue;
      }
      used.add(h);
      for (String o : group.subList(0, Math.min(MAX_GROUP, group.size()))) {
        out.add(line(classes.get(o)));
      }
    }
    List<String> extra = new ArrayList<>();
    for (String h : hypernyms) {
      if (!used.contains(h)) {
        for (String o : children.get(h)) {
          extra.add(line(classes.get(o)));
        }
      }
    }
    return List.of(out, extra);
  }

  private static String line(Synset s) {
    return s.offset() + "\t" + s.hypernym() + "\t" + String.join("|", s.words()) + "\t" + s.gloss();
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }

  /** {@code WordNetExtract DICT_DIR OUT.tsv.gz MAX_SYNSETS [EXTRA_OUT.tsv.gz]}. */
  public static void main(String[] args) throws IOException {
    List<List<String>> both = extractBoth(Path.of(args[0]), Integer.parseInt(args[2]));
    write(Path.of(args[1]), both.get(0));
    if (args.length > 3) {
      write(Path.of(args[3]), both.get(1));
    }
  }

  private static void write(Path to, List<String> lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Writer w = new OutputStreamWriter(new GZIPOutputStream(bytes), StandardCharsets.UTF_8)) {
      for (String l : lines) {
        w.write(l);
        w.write('\n');
      }
    }
    AtomicFiles.writeBytes(to, bytes.toByteArray());
    System.out.println(lines.size() + " synsets written to " + to);
  }
}
