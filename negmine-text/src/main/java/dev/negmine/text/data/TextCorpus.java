package dev.negmine.text.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Distinct texts with class labels: item {@code i} is {@code texts.get(i)}, its class
 * {@code labels[i]}. Identical texts are one item, so a duplicate can never be drawn as a negative.
 *
 * @param texts distinct, non-blank texts
 * @param labels class of each text (dense, 0-based)
 * @param triplets explicit (anchor, positive, negative) item ids from the data, possibly none
 * @param source where the texts came from
 */
public record TextCorpus(List<String> texts, long[] labels, List<int[]> triplets, String source) {
  public TextCorpus {
    texts = List.copyOf(texts);
    triplets = List.copyOf(triplets);
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no texts in " + source);
    }
    if (labels.length != texts.size()) {
      throw new IllegalArgumentException(source + ": " + texts.size() + " texts but " + labels.length + " labels");
    }
  }

  public int size() {
    return texts.size();
  }

  /** Number of distinct classes. */
  public int classes() {
    return (int) java.util.Arrays.stream(labels).distinct().count();
  }

  /** The items at {@code rows}, in that order (labels kept, explicit triplets dropped). */
  public TextCorpus subset(int[] rows, String what) {
    List<String> t = new ArrayList<>(rows.length);
    long[] l = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      t.add(texts.get(rows[i]));
      l[i] = labels[rows[i]];
    }
    return new TextCorpus(t, l, List.of(), source + " (" + what + ")");
  }

  /**
   * {train rows, evaluation rows}: a seeded {@code fraction} of the classes (at least one) is held
   * out whole, so evaluation is on classes never seen in training. Rows ascending.
   */
  public int[][] splitByClass(double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
    }
    TreeMap<Long, List<Integer>> byClass = new TreeMap<>();
    for (int i = 0; i < labels.length; i++) {
      byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
    }
    List<Long> cls = new ArrayList<>(byClass.keySet());
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x7E47L);
    for (int i = cls.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      Long t = cls.get(i);
      cls.set(i, cls.get(j));
      cls.set(j, t);
    }
    int held = Math.max(1, (int) Math.round(cls.size() * fraction));
    if (held >= cls.size()) {
      throw new IllegalArgumentException(source + ": too few classes (" + cls.size() + ") to hold some out for evaluation");
    }
    Map<Long, Boolean> eval = new HashMap<>();
    for (int i = 0; i < cls.size(); i++) {
      eval.put(cls.get(i), i < held);
    }
    List<Integer> tr = new ArrayList<>();
    List<Integer> ev = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      (eval.get(labels[i]) ? ev : tr).add(i);
    }
    return new int[][] {tr.stream().mapToInt(Integer::intValue).toArray(), ev.stream().mapToInt(Integer::intValue).toArray()};
  }
}
