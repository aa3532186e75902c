package dev.negmine.text.finetune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The batches of one epoch, as sentence-transformers' {@code NO_DUPLICATES} batch sampler makes
 * them: every training query once, in a seeded order, with one of its positives (seeded), and no
 * batch holding the same query text or the same document text twice; a row that would repeat one
 * waits for a later batch. Why: with in-batch negatives a duplicated positive is a false negative
 * of the other row, and a repeated query is a wasted row. The last batch may be smaller. A pure
 * function of (queries, seed, epoch), so a resumed run replans the same epoch.
 */
public final class BatchPlan {
  /** One row: a training query and the positive it trains with this epoch. */
  public record Row(int query, int positive) {}

  private BatchPlan() {}

  public static List<List<Row>> epoch(TrainingQueries data, int batch, long seed, int epoch) {
    return epoch(data, java.util.stream.IntStream.range(0, data.size()).toArray(), batch, seed, epoch);
  }

  /** The epoch over the queries in {@code trainOn} only (ascending indices; all of them = the plan above). */
  public static List<List<Row>> epoch(TrainingQueries data, int[] trainOn, int batch, long seed, int epoch) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 31L * epoch + 7);
    int n = trainOn.length;
    int[] order = trainOn.clone();
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    LinkedList<Row> waiting = new LinkedList<>();
    for (int q : order) {
      int[] pos = data.positives(q);
      waiting.add(new Row(q, pos[pos.length == 1 ? 0 : rnd.nextInt(pos.length)]));
    }
    int[] group = data.textGroup();
    List<List<Row>> out = new ArrayList<>();
    while (!waiting.isEmpty()) {
      List<Row> b = new ArrayList<>(batch);
      Set<String> queryTexts = new HashSet<>();
      Set<Integer> docGroups = new HashSet<>();
      ListIterator<Row> it = waiting.listIterator();
      while (it.hasNext() && b.size() < batch) {
        Row r = it.next();
        String qt = data.texts().get(r.query());
        if (queryTexts.contains(qt) || docGroups.contains(group[r.positive()])) {
          continue;
        }
        queryTexts.add(qt);
        docGroups.add(group[r.positive()]);
        b.add(r);
        it.remove();
      }
      out.add(b);
    }
    return out;
  }
}
