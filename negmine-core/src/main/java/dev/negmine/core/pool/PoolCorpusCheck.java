package dev.negmine.core.pool;

import dev.negmine.core.io.NegmineFormatException;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks that a pool was mined over the data it is used with: every anchor, positive and candidate
 * id must name an item of the data, and the label the pool recorded for it must be the item's
 * label. A pool mined over another corpus (other rows, another order, another labelling) thus fails
 * before training instead of feeding wrong negatives. When the data is a subset of the pool's corpus
 * (a training split), ids missing from it are allowed, but labels must still agree and at least half
 * of the pool's anchors must be present. O(anchors + candidates); stateless.
 */
public final class PoolCorpusCheck {
  private PoolCorpusCheck() {}

  /**
   * @param poolName the pool, as the user named it
   * @param ids item id of each data row
   * @param labels label of each data row
   * @param dataName the data, as the user named it
   * @throws NegmineFormatException naming the pool, the first mismatching item and the data
   */
  public static void verify(CandidatePool pool, String poolName, long[] ids, long[] labels, String dataName)
      throws NegmineFormatException {
    verify(pool, poolName, ids, labels, dataName, false);
  }

  /**
   * As {@link #verify(CandidatePool, String, long[], long[], String)}; with {@code subset} the data
   * may be a part of the pool's corpus.
   */
  public static void verify(CandidatePool pool, String poolName, long[] ids, long[] labels, String dataName, boolean subset)
      throws NegmineFormatException {
    if (ids.length != labels.length) {
      throw new IllegalArgumentException(ids.length + " ids for " + labels.length + " labels");
    }
    Map<Long, Long> labelOf = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      labelOf.put(ids[i], labels[i]);
    }
    // when the pool's ids are row numbers of its corpus (all below its size), data naming a row
    // past the corpus's end is data of another corpus
    Object corpus = pool.manifest().counts().get("corpus");
    long maxId = java.util.Arrays.stream(ids).max().orElse(-1);
    if (corpus instanceof Number c && rowNumbered(pool, c.longValue()) && maxId >= c.longValue()) {
      throw mismatch(poolName, "it was mined over " + c.longValue() + " items but " + dataName + " has item " + maxId);
    }
    int missing = 0;
    long firstMissing = 0;
    for (int a = 0; a < pool.anchors(); a++) {
      if (!check(labelOf, pool.anchorId(a), pool.anchorLabel(a), "anchor", poolName, dataName, subset)) {
        firstMissing = missing++ == 0 ? pool.anchorId(a) : firstMissing;
      }
      if (!subset && !labelOf.containsKey(pool.positiveId(a))) {
        throw mismatch(poolName, "positive item " + pool.positiveId(a) + " is not in " + dataName + " (" + ids.length + " items)");
      }
      for (int r = 0; r < pool.count(a); r++) {
        check(labelOf, pool.candidateId(a, r), pool.candidateLabel(a, r), "candidate", poolName, dataName, subset);
      }
    }
    if (missing * 2L > pool.anchors()) {
      throw mismatch(poolName, missing + " of its " + pool.anchors() + " anchors (e.g. item " + firstMissing + ") are not in "
          + dataName + " (" + ids.length + " items)");
    }
  }

  /** True when every id the pool names is a row number of a corpus of {@code size} items. */
  private static boolean rowNumbered(CandidatePool pool, long size) {
    for (int a = 0; a < pool.anchors(); a++) {
      if (pool.anchorId(a) < 0 || pool.anchorId(a) >= size || pool.positiveId(a) < 0 || pool.positiveId(a) >= size) {
        return false;
      }
      for (int r = 0; r < pool.count(a); r++) {
        if (pool.candidateId(a, r) < 0 || pool.candidateId(a, r) >= size) {
          return false;
        }
      }
    }
    return true;
  }

  /** False when the id is missing and that is allowed; throws on a label mismatch. */
  private static boolean check(Map<Long, Long> labelOf, long id, long label, String role, String poolName, String dataName,
      boolean subset) throws NegmineFormatException {
    Long l = labelOf.get(id);
    if (l == null) {
      if (subset) {
        return false;
      }
      throw mismatch(poolName, role + " item " + id + " is not in " + dataName + " (" + labelOf.size() + " items)");
    }
    if (l != label) {
      throw mismatch(poolName, role + " item " + id + " has label " + label + " in the pool but " + l + " in " + dataName);
    }
    return true;
  }

  private static NegmineFormatException mismatch(String poolName, String what) {
    return new NegmineFormatException(poolName, "mined over another corpus: " + what + "; mine it again over this data");
  }
}
