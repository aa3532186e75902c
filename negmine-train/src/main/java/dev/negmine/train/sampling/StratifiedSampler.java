package dev.negmine.train.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Batches stratified by a coarse group: each batch holds {@code classesPerBatch} classes with
 * {@code batch / classesPerBatch} items each; up to {@code fromGroup} of those classes come from
 * one coarse group (the batch's group, drawn with probability proportional to its number of
 * classes), the rest from the other classes at random. Confusable classes (same group) thus share
 * a batch far more often than under {@link MPerClassSampler}. Items of a class are drawn from a
 * seeded per-class shuffle, reshuffled when used up. Batches are a pure function of (seed, epoch,
 * batch size); an epoch has {@code n / batch} batches. Immutable.
 */
public final class StratifiedSampler implements BatchSampler {
  private static final long STREAM = 53;

  private final int n;
  private final int classesPerBatch;
  private final int fromGroup;
  private final long seed;
  private final int[][] byClass;
  /** Per group, indices into byClass. */
  private final int[][] groups;
  private final int[] groupOfClass;

  public StratifiedSampler(long[] labels, CoarseGroups coarse, int classesPerBatch, int fromGroup, long seed) {
    Map<Long, List<Integer>> cls = new TreeMap<>();
    for (int i = 0; i < labels.length; i++) {
      cls.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
    }
    if (cls.size() < 2) {
      throw new IllegalArgumentException("stratified sampling needs at least 2 classes, got " + cls.size());
    }
    if (classesPerBatch < 2 || classesPerBatch > cls.size()) {
      throw new IllegalArgumentException("classes per batch must be in [2, " + cls.size() + "], got " + classesPerBatch);
    }
    if (fromGroup < 1 || fromGroup > classesPerBatch) {
      throw new IllegalArgumentException("classes from the batch's group must be in [1, " + classesPerBatch + "], got " + fromGroup);
    }
    this.byClass = cls.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    Long[] classLabels = cls.keySet().toArray(Long[]::new);
    Map<String, List<Integer>> g = new LinkedHashMap<>();
    groupOfClass = new int[classLabels.length];
    for (int c = 0; c < classLabels.length; c++) {
      g.computeIfAbsent(coarse.group(classLabels[c]), k -> new ArrayList<>()).add(c);
    }
    this.groups = g.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    for (int gi = 0; gi < groups.length; gi++) {
      for (int c : groups[gi]) {
        groupOfClass[c] = gi;
      }
    }
    this.n = labels.length;
    this.classesPerBatch = classesPerBatch;
    this.fromGroup = fromGroup;
    this.seed = seed;
  }

  @Override
  public int batchesPerEpoch(int batchSize) {
    if (batchSize < 2 || batchSize % classesPerBatch != 0) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be a multiple of " + classesPerBatch
          + " (classes per stratified batch)");
    }
    return Math.max(1, n / batchSize);
  }

  @Override
  public int[][] epoch(int epoch, int batchSize) {
    int batches = batchesPerEpoch(batchSize);
    int per = batchSize / classesPerBatch;
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, STREAM, epoch));
    int[][] order = new int[byClass.length][];
    int[] next = new int[byClass.length];
    for (int c = 0; c < byClass.length; c++) {
      order[c] = shuffled(byClass[c], r);
    }
    int[][] out = new int[batches][];
    int[] chosen = new int[classesPerBatch];
    for (int bi = 0; bi < batches; bi++) {
      // the batch's group, weighted by its class count
      int pick = r.nextInt(byClass.length);
      int[] grp = groups[groupOfClass[pick]];
      int[] gShuf = shuffled(grp, r);
      int k = Math.min(fromGroup, gShuf.length);
      System.arraycopy(gShuf, 0, chosen, 0, k);
      int[] rest = new int[byClass.length - k];
      int nr = 0;
      for (int c = 0; c < byClass.length; c++) {
        boolean taken = false;
        for (int j = 0; j < k; j++) {
          taken |= chosen[j] == c;
        }
        if (!taken) {
          rest[nr++] = c;
        }
      }
      int[] restShuf = shuffled(java.util.Arrays.copyOf(rest, nr), r);
      System.arraycopy(restShuf, 0, chosen, k, classesPerBatch - k);
      int[] batch = new int[batchSize];
      int w = 0;
      for (int j = 0; j < classesPerBatch; j++) {
        int c = chosen[j];
        for (int t = 0; t < per; t++) {
          if (next[c] >= order[c].length) {
            order[c] = shuffled(byClass[c], r);
            next[c] = 0;
          }
          batch[w++] = order[c][next[c]++];
        }
      }
      out[bi] = batch;
    }
    return out;
  }

  private static int[] shuffled(int[] a, SplittableRandom r) {
    int[] s = a.clone();
    for (int i = s.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
    return s;
  }
}
