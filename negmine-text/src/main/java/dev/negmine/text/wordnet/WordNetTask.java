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
  /** Name in messages and provenance. */
  public static final String NAME = "wordnet (noun synsets, bundled; WordNet 3.0 licence)";

  /** Train and test classes. */
  public record Split(TextCorpus train, TextCorpus test) {}

  private WordNetTask() {}

  /** Loads the bundled resource and splits it. */
  public static Split load(boolean glosses) throws IOException {
    List<String> trT = new ArrayList<>();
    List<Long> trL = new ArrayList<>();
    List<String> teT = new ArrayList<>();
    List<Long> teL = new ArrayList<>();
    try (InputStream in = WordNetTask.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the WordNet resource is missing from the negmine-text jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
      String line;
      long cls = 0;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t", -1);
        boolean test = Math.floorMod(mix(Long.parseLong(f[1])), 4) == 0;
        List<String> t = test ? teT : trT;
        List<Long> l = test ? teL : trL;
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
    return new Split(corpus(trT, trL, "wordnet train synsets"), corpus(teT, teL, "wordnet unseen test synsets"));
  }

  private static TextCorpus corpus(List<String> texts, List<Long> labels, String source) {
    return new TextCorpus(texts, labels.stream().mapToLong(Long::longValue).toArray(), List.of(), source);
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 31)) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }
}
