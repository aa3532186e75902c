package dev.negmine.text.wordnet;

import dev.negmine.text.data.TextCorpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The built-in WordNet synonym task: each noun synset with at least two lemmas is a class, its
 * lemmas are the items (with {@code glosses}, its definition is one more item). Synsets come in
 * sibling groups under one hypernym — each other's natural hard negatives. The split is by
 * hypernym group and fixed (it does not depend on the training seed): a quarter of the groups,
 * chosen by a hash of the hypernym offset, are the test classes, never seen in training.
 * Derived from WordNet 3.0; see the LICENSE beside the resource.
 */
public final class WordNetTask {
  static final String RESOURCE = "/dev/negmine/text/wordnet/wordnet-noun-synsets.tsv.gz";
  /** Extra training synsets: no sibling of a bundled synset, whole sibling groups in a fixed order. */
  static final String EXTRA = "/dev/negmine/text/wordnet/wordnet-noun-extra.tsv.gz";
  /** Synsets in the extra resource. */
  public static final int EXTRA_SYNSETS = 25_783;
  /** Name in messages and provenance. */
  public static final String NAME = "wordnet (noun synsets, bundled; WordNet 3.0 licence)";

  /**
   * Train and test classes, and the hypernym (WordNet offset) of each training class: classes
   * sharing one are siblings, each other's natural hard negatives.
   */
  public record Split(TextCorpus train, TextCorpus test, java.util.Map<Long, String> trainHypernyms) {}

  private WordNetTask() {}

  /** Loads the bundled resource and splits it (no extra training synsets). */
  public static Split load(boolean glosses) throws IOException {
    return load(glosses, 0);
  }

  /**
   * Loads the bundled resource and splits it; the first {@code extraSynsets} synsets of the extra
   * resource join the training classes (the test classes do not change).
   */
  public static Split load(boolean glosses, int extraSynsets) throws IOException {
    if (extraSynsets < 0 || extraSynsets > EXTRA_SYNSETS) {
      throw new IllegalArgumentException("extra WordNet training synsets must be in [0, " + EXTRA_SYNSETS + "], got " + extraSynsets);
    }
    List<String> trT = new ArrayList<>();
    List<Long> trL = new ArrayList<>();
    List<String> teT = new ArrayList<>();
    List<Long> teL = new ArrayList<>();
    long cls = 0;
    java.util.Map<Long, String> hyper = new java.util.TreeMap<>();
    try (InputStream in = WordNetTask.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the WordNet resource is missing from the negmine-text jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t", -1);
        boolean test = isTest(f[1]);
        List<String> t = test ? teT : trT;
        List<Long> l = test ? teL : trL;
        if (!test) {
          hyper.put(cls, f[1]);
        }
        for (String lemma : f[2].split("\\|")) {
          t.add(lemma);
          l.add(cls);
        }
        if (glosses && !f[3].isBlank()) {
          t.add(f[3]);
          l.add(cls);
        }
        cls++;
      }
    }
    if (extraSynsets > 0) {
      try (InputStream in = WordNetTask.class.getResourceAsStream(EXTRA)) {
        if (in == null) {
          throw new IllegalStateException("the extra WordNet resource is missing from the negmine-text jar");
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
        String line;
        for (int k = 0; k < extraSynsets && (line = r.readLine()) != null; k++) {
          String[] f = line.split("\t", -1);
          hyper.put(cls, f[1]);
          for (String lemma : f[2].split("\\|")) {
            trT.add(lemma);
            trL.add(cls);
          }
          if (glosses && !f[3].isBlank()) {
            trT.add(f[3]);
            trL.add(cls);
          }
          cls++;
        }
      }
    }
    return new Split(corpus(trT, trL, "wordnet train synsets"), corpus(teT, teL, "wordnet unseen test synsets"), hyper);
  }

  private static TextCorpus corpus(List<String> texts, List<Long> labels, String source) {
    return new TextCorpus(texts, labels.stream().mapToLong(Long::longValue).toArray(), List.of(), source);
  }

  /** Whether the sibling group under {@code hypernym} (an offset) holds test classes. */
  static boolean isTest(String hypernym) {
    return Math.floorMod(mix(Long.parseLong(hypernym)), 4) == 0;
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 31)) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }
}
