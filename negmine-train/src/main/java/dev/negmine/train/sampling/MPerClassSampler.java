package dev.negmine.train.sampling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * M-per-class batches: every batch holds exactly {@code m} items from each of {@code batch / m}
 * distinct classes. Each class's items are dealt from a seeded shuffle of that class, reshuffled
 * when used up, so every item is seen about once per epoch; the classes of each batch are dealt the
 * same way from a shuffled class order. An epoch has {@code n / batch} batches.
 *
 * <p>When the batch asks for more classes than exist, {@code m} grows to {@code batch / classes}
 * (a growing batch on a 10-class dataset takes more items per class, not more classes). Only a
 * class with fewer than {@code m} items repeats items within a batch.
 *
 * <p>With a coarse group map ({@link BatchSampler#siblings}) the class order is shuffled group by
 * group: the groups in a seeded order, each group's classes shuffled and kept together, so a batch
 * holds whole groups of sibling classes (each other's hardest negatives) instead of classes drawn
 * independently. Items are dealt the same way in both modes.
 */
final class MPerClassSampler implements BatchSampler {
  private final int n;
  private final int m;
  private final long seed;
  private final int[][] byClass;
  /** Per coarse group, its class indices (into byClass); null in the plain mode. */
  private final int[][] groups;

  MPerClassSampler(long[] labels, int m, long seed) {
    this(labels, m, seed, null);
  }

  MPerClassSampler(long[] labels, int m, long seed, CoarseGroups coarse) {
    if (labels.length == 0) {
      throw new IllegalArgumentException("cannot sample from an empty dataset");
    }
    if (m < 1) {
      throw new IllegalArgumentException("m (items per class) must be >= 1, got " + m);
    }
    Map<Long, List<Integer>> groups = new TreeMap<>();
    for (int i = 0; i < labels.length; i++) {
      groups.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
    }
    if (groups.size() < 2) {
      throw new IllegalArgumentException("M-per-class sampling needs at least 2 classes, got " + groups.size());
    }
    this.byClass = groups.values().stream()
        .map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    this.n = labels.length;
    this.m = m;
    this.seed = seed;
    if (coarse == null) {
      this.groups = null;
    } else {
      Map<String, List<Integer>> g = new TreeMap<>();
      int c = 0;
      for (long label : groups.keySet()) {
        g.computeIfAbsent(coarse.group(label), k -> new ArrayList<>()).add(c++);
      }
      this.groups = g.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }
  }

  /** Items per class at {@code batchSize}. */
  int perClass(int batchSize) {
    return batchSize / m > byClass.length ? batchSize / byClass.length : m;
  }

  @Override
  public int batchesPerEpoch(int batchSize) {
    int per = perClass(batchSize);
    if (batchSize < 2 || batchSize % per != 0) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be a multiple of " + per
          + " (items per class) and at least 2");
    }
    return Math.max(1, n / batchSize);
  }

  @Override
  public int[][] epoch(int epoch, int batchSize) {
    int batches = batchesPerEpoch(batchSize);
    int per = perClass(batchSize);
    int classesPerBatch = batchSize / per;
    SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, 2, epoch));
    Map<Integer, int[]> decks = new HashMap<>();
    int[] cursor = new int[byClass.length];
    int[] classDeck = new int[byClass.length];
    for (int c = 0; c < classDeck.length; c++) {
      classDeck[c] = c;
    }
    deal(classDeck, rnd);
    int classCursor = 0;
    int[][] out = new int[batches][batchSize];
    for (int b = 0; b < batches; b++) {
      if (classCursor + classesPerBatch > classDeck.length) {
        deal(classDeck, rnd);
        classCursor = 0;
      }
      int k = 0;
      for (int ci = 0; ci < classesPerBatch; ci++) {
        int c = classDeck[classCursor++];
        int[] deck = decks.computeIfAbsent(c, key -> shuffled(byClass[key], rnd));
        if (deck.length - cursor[c] < per) {
          // reshuffle before dealing, not midway, so a batch never repeats an item of a class
          // that has at least m items
          ShuffleSampler.shuffle(deck, rnd);
          cursor[c] = 0;
        }
        for (int j = 0; j < per; j++) {
          if (cursor[c] == deck.length) {
            cursor[c] = 0;
          }
          out[b][k++] = deck[cursor[c]++];
        }
      }
    }
    return out;
  }

  /** A new class order in {@code deck}: a plain shuffle, or shuffled groups of shuffled classes. */
  private void deal(int[] deck, SplittableRandom rnd) {
    if (groups == null) {
      ShuffleSampler.shuffle(deck, rnd);
      return;
    }
    int[] order = new int[groups.length];
    for (int g = 0; g < order.length; g++) {
      order[g] = g;
    }
    ShuffleSampler.shuffle(order, rnd);
    int k = 0;
    for (int g : order) {
      int[] members = groups[g].clone();
      ShuffleSampler.shuffle(members, rnd);
      for (int c : members) {
        deck[k++] = c;
      }
    }
  }

  private static int[] shuffled(int[] items, SplittableRandom rnd) {
    int[] d = items.clone();
    ShuffleSampler.shuffle(d, rnd);
    return d;
  }
}
