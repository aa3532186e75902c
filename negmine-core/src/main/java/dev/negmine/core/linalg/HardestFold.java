package dev.negmine.core.linalg;

import dev.negmine.core.internal.vector.HardestArgs;
import dev.negmine.core.internal.vector.VectorKernels;
import java.util.Arrays;

/**
 * Batch-hard as a streamed reduction: per anchor, the farthest key sharing its label (hardest
 * positive) and the nearest key with another label (hardest negative), keys sharing the anchor's
 * id excluded, over any number of key sets folded one after another. Scores are computed tile by
 * tile in registers and folded there, so no score matrix (not even a block of one) is stored; the
 * keys are read in place, never packed or copied. Each score is bit-identical to the entry of
 * {@link Similarities#matrix(FloatMatrix, FloatMatrix, Distance)} for the same pair.
 *
 * <p>Ties keep the lowest index: keys are offered in increasing index order (the first key set
 * first), a candidate replaces the current best only when strictly better, and the first candidate
 * always counts. Indices are {@code indexOffset + key row}.
 *
 * <p>Not thread-safe; {@link #fold} itself uses the library's threads for large key sets (each
 * thread owns a disjoint group of anchors, so the result does not depend on the thread count).
 */
public final class HardestFold {
  private final SimilarityEngine engine;
  private final FloatMatrix anchors;
  private final Distance distance;
  private final LongIntMap classCodes;
  private final LongIntMap idCodes;
  private final int[] anchorClass;
  private final int[] anchorId;
  private final float[] anchorFactor;
  private final float[] packed;
  private final float[] far;
  private final int[] farIndex;
  private final float[] near;
  private final int[] nearIndex;
  private final float[] nearSquared;

  /**
   * @param anchors one row per anchor
   * @param labels one per anchor
   * @param ids one per anchor; keys with an anchor's id never pair with it
   * @throws IllegalArgumentException when the lengths differ, or for cosine when a row has zero norm
   */
  public HardestFold(FloatMatrix anchors, long[] labels, long[] ids, Distance distance) {
    this(Similarities.defaultEngine(), anchors, labels, ids, distance);
  }

  HardestFold(SimilarityEngine engine, FloatMatrix anchors, long[] labels, long[] ids, Distance distance) {
    int n = anchors.rows();
    if (labels.length != n || ids.length != n) {
      throw new IllegalArgumentException("need " + n + " labels and ids, got " + labels.length + " and " + ids.length);
    }
    this.engine = engine;
    this.anchors = anchors;
    this.distance = distance;
    VectorKernels k = engine.kernels();
    int padded = n == 0 ? 0 : (n + k.tileCols() - 1) / k.tileCols() * k.tileCols();
    this.classCodes = new LongIntMap(n);
    this.idCodes = new LongIntMap(n);
    this.anchorClass = new int[padded];
    this.anchorId = new int[padded];
    // Padding lanes carry a code no key gets (keys not among the anchors get -1).
    Arrays.fill(anchorClass, Integer.MIN_VALUE);
    Arrays.fill(anchorId, Integer.MIN_VALUE);
    for (int i = 0; i < n; i++) {
      anchorClass[i] = classCodes.putIfAbsent(labels[i]);
      anchorId[i] = idCodes.putIfAbsent(ids[i]);
    }
    float[] f = engine.factors(anchors, distance, "");
    this.anchorFactor = f == null ? null : Arrays.copyOf(f, padded);
    this.packed = new float[VectorKernels.packedLength(n, anchors.cols(), k.tileCols())];
    VectorKernels.pack(anchors.data(), anchors.cols(), 0, n, k.tileCols(), packed, 0);
    this.far = new float[padded];
    this.farIndex = new int[padded];
    this.near = new float[padded];
    this.nearIndex = new int[padded];
    this.nearSquared = new float[padded];
    Arrays.fill(farIndex, -1);
    Arrays.fill(nearIndex, -1);
  }

  /**
   * Offers every row of {@code keys}, in increasing order, to every anchor.
   *
   * @param keyLabels one per key row
   * @param keyIds one per key row
   * @param indexOffset added to a key row to form the index recorded
   * @throws IllegalArgumentException when dimensions or lengths differ, or for cosine when a key
   *     row has zero norm
   */
  public void fold(FloatMatrix keys, long[] keyLabels, long[] keyIds, int indexOffset) {
    fold(keys, keyLabels, keyIds, indexOffset, null);
  }

  /**
   * As {@link #fold(FloatMatrix, long[], long[], int)}, with the keys' squared row norms computed
   * once beforehand by {@link Similarities#squaredNorms} (a queue keeps them per row), so that a
   * key set folded many times is not re-read for its norms. Scores are the same bits.
   *
   * @param keySquaredNorms one per key row, or null to compute them here
   */
  public void fold(FloatMatrix keys, long[] keyLabels, long[] keyIds, int indexOffset, float[] keySquaredNorms) {
    SimilarityEngine.checkDims(anchors, keys);
    int m = keys.rows();
    if (keyLabels.length != m || keyIds.length != m) {
      throw new IllegalArgumentException("need " + m + " key labels and ids, got " + keyLabels.length + " and " + keyIds.length);
    }
    if (m == 0 || anchors.rows() == 0) {
      return;
    }
    int[] keyClass = new int[m];
    int[] keyId = new int[m];
    for (int i = 0; i < m; i++) {
      keyClass[i] = classCodes.get(keyLabels[i]);
      keyId[i] = idCodes.get(keyIds[i]);
    }
    if (keySquaredNorms != null && keySquaredNorms.length != m) {
      throw new IllegalArgumentException("need " + m + " key squared norms, got " + keySquaredNorms.length);
    }
    // Norms from Similarities come from the default engine's kernels: only valid for that engine.
    float[] keyFactor = keySquaredNorms != null && engine == Similarities.defaultEngine()
        ? SimilarityEngine.factorsOfSquared(keySquaredNorms, distance, " of the keys")
        : engine.factors(keys, distance, " of the keys");
    HardestArgs a = new HardestArgs(keys.data(), keys.cols(), keyFactor,
        keyClass, keyId, packed, anchorFactor, anchorClass, anchorId, SimilarityEngine.finish(distance),
        distance.isSimilarity() ? -1f : 1f, indexOffset, far, farIndex, near, nearIndex, nearSquared);
    engine.foldHardest(a, m, anchorClass.length, (long) anchors.rows() * m * keys.cols());
  }

  /** Index of the farthest same-label key of anchor {@code a}, or -1 when it has none. */
  public int farthest(int a) {
    return farIndex[check(a)];
  }

  /** Index of the nearest other-label key of anchor {@code a}, or -1 when it has none. */
  public int nearest(int a) {
    return nearIndex[check(a)];
  }

  /** The score of {@link #farthest(int)} (undefined when there is none). */
  public float farthestScore(int a) {
    return orient(far[check(a)]);
  }

  /** The score of {@link #nearest(int)} (undefined when there is none). */
  public float nearestScore(int a) {
    return orient(near[check(a)]);
  }

  private float orient(float x) {
    return distance.isSimilarity() ? -x : x;
  }

  private int check(int a) {
    if (a < 0 || a >= anchors.rows()) {
      throw new IndexOutOfBoundsException("anchor " + a + " of " + anchors.rows());
    }
    return a;
  }

  /** Open-addressing long -> dense int code map; {@link #get} answers -1 for absent keys. */
  private static final class LongIntMap {
    private final long[] keys;
    private final int[] values;
    private final boolean[] used;
    private final int mask;
    private int size;

    LongIntMap(int expected) {
      int cap = Integer.highestOneBit(Math.max(4, expected * 2 + 1)) << 1;
      keys = new long[cap];
      values = new int[cap];
      used = new boolean[cap];
      mask = cap - 1;
    }

    int putIfAbsent(long key) {
      int s = slot(key);
      if (!used[s]) {
        used[s] = true;
        keys[s] = key;
        values[s] = size++;
      }
      return values[s];
    }

    int get(long key) {
      int s = slot(key);
      return used[s] ? values[s] : -1;
    }

    private int slot(long key) {
      int s = (int) (mix(key) & mask);
      while (used[s] && keys[s] != key) {
        s = (s + 1) & mask;
      }
      return s;
    }

    private static long mix(long x) {
      x ^= x >>> 33;
      x *= 0xff51afd7ed558ccdL;
      x ^= x >>> 33;
      return x;
    }
  }
}
