package dev.negmine.index.dynamic;

import dev.negmine.core.linalg.VectorOps;
import java.util.Arrays;

/**
 * The node storage of an {@link SgTree} and the structural edits on it: vectors, parent links,
 * levels, covering radii and child lists indexed by target id, plus the descent that attaches a
 * target under the deepest covering node. {@link SgTree} owns one instance and checks arguments;
 * nothing here does.
 *
 * <p>Not thread-safe; confined to its tree. Every structural change bumps {@link #modCount} so
 * that {@link PreOrder} knows when to recompute.
 */
final class SgNodes {
  static final int MIN_LEVEL = -40;
  static final int NONE = -1;

  final int dim;
  final SgTree.Metric metric;
  float[] vecs = new float[0];
  int[] parent = new int[0];
  int[] level = new int[0];
  float[] radius = new float[0];
  boolean[] present = new boolean[0];
  int[][] children = new int[0][];
  int[] childCount = new int[0];
  int root = NONE;
  int size;
  long modCount;

  SgNodes(int dim, SgTree.Metric metric) {
    this.dim = dim;
    this.metric = metric;
  }

  /** Number of id slots (present or not). */
  int capacity() {
    return present.length;
  }

  /**
   * Attaches every member except {@code skip} under {@code top}, farthest from {@code top} first,
   * after raising {@code top}'s level to cover the farthest member.
   */
  void insertAllUnder(int top, int[] members, int skip) {
    int n = 0;
    int[] rest = new int[members.length];
    float[] d = new float[members.length];
    float maxD = 0f;
    for (int m : members) {
      if (m != skip) {
        rest[n] = m;
        d[n] = dist(m, top);
        maxD = Math.max(maxD, d[n]);
        n++;
      }
    }
    if (maxD > 0f) {
      level[top] = levelFor(maxD);
    }
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    final float[] dd = d;
    Arrays.sort(idx, (a, b) -> Float.compare(dd[b], dd[a]));
    for (int i = 0; i < n; i++) {
      int m = rest[idx[i]];
      if (!present[m]) {
        present[m] = true;
        size++;
      }
      descendAndAttach(m, top, d[idx[i]]);
    }
    modCount++;
  }

  /**
   * Walks down from {@code start} (at distance {@code dStart} from {@code id}) into the closest
   * child whose ball covers {@code id}, growing radii on the way, and attaches {@code id} where no
   * child covers it.
   */
  void descendAndAttach(int id, int start, float dStart) {
    int node = start;
    float d = dStart;
    while (true) {
      if (d > radius[node]) {
        radius[node] = d;
      }
      int best = NONE;
      float bestD = Float.POSITIVE_INFINITY;
      if (level[node] > MIN_LEVEL) {
        int[] ch = children[node];
        for (int j = 0; j < childCount[node]; j++) {
          int c = ch[j];
          float dc = dist(id, c);
          if (dc <= Math.scalb(1f, level[c]) && dc < bestD) {
            best = c;
            bestD = dc;
          }
        }
      }
      if (best == NONE) {
        attach(id, node);
        return;
      }
      node = best;
      d = bestD;
    }
  }

  private void attach(int id, int p) {
    parent[id] = p;
    level[id] = Math.max(MIN_LEVEL, level[p] - 1);
    radius[id] = 0f;
    childCount[id] = 0;
    if (children[id] == null) {
      children[id] = new int[0];
    }
    if (childCount[p] == children[p].length) {
      children[p] = Arrays.copyOf(children[p], Math.max(4, childCount[p] * 2));
    }
    children[p][childCount[p]++] = id;
  }

  /** Removes {@code id} from its parent's child list (or empties the tree when it is the root). */
  void unlink(int id) {
    int p = parent[id];
    if (p == NONE) {
      root = NONE;
      return;
    }
    int[] pc = children[p];
    int n = childCount[p];
    for (int j = 0; j < n; j++) {
      if (pc[j] == id) {
        pc[j] = pc[n - 1];
        childCount[p] = n - 1;
        return;
      }
    }
    throw new IllegalStateException("node " + id + " missing from its parent " + p);
  }

  /** The id among {@code ids} (non-empty) whose vector is closest to their mean. */
  int closestToMean(int[] ids) {
    double[] mean = new double[dim];
    for (int id : ids) {
      for (int j = 0; j < dim; j++) {
        mean[j] += vecs[id * dim + j];
      }
    }
    float[] m = new float[dim];
    for (int j = 0; j < dim; j++) {
      m[j] = (float) (mean[j] / ids.length);
    }
    int best = ids[0];
    float bestD = Float.POSITIVE_INFINITY;
    for (int id : ids) {
      float d = VectorOps.squaredDistance(m, 0, vecs, id * dim, dim);
      if (d < bestD) {
        bestD = d;
        best = id;
      }
    }
    return best;
  }

  /** The smallest level {@code l >= MIN_LEVEL} with {@code 2^l >= d}. */
  static int levelFor(float d) {
    int e = Math.getExponent(d);
    if (Math.scalb(1f, e) < d) {
      e++;
    }
    return Math.max(MIN_LEVEL, e);
  }

  /** Euclidean distance between the stored vectors of {@code a} and {@code b}. */
  float dist(int a, int b) {
    return VectorOps.distance(vecs, a * dim, vecs, b * dim, dim);
  }

  /** Copies the vector at {@code src[off..off+dim)} into slot {@code id}, normalised under COSINE. */
  void store(int id, float[] src, int off) {
    System.arraycopy(src, off, vecs, id * dim, dim);
    if (metric == SgTree.Metric.COSINE) {
      float n = (float) Math.sqrt(VectorOps.sumOfSquares(vecs, id * dim, dim));
      if (!(n > 0) || !Float.isFinite(n)) {
        throw new IllegalArgumentException("target " + id + " has norm " + n + "; cosine is undefined");
      }
      for (int j = 0; j < dim; j++) {
        vecs[id * dim + j] /= n;
      }
    } else {
      for (int j = 0; j < dim; j++) {
        if (!Float.isFinite(vecs[id * dim + j])) {
          throw new IllegalArgumentException("target " + id + " has a non-finite value at dimension " + j);
        }
      }
    }
  }

  /** Grows every per-id array to at least {@code n} slots (doubling, at least 16). */
  void ensureCapacity(int n) {
    if (n <= present.length) {
      return;
    }
    int cap = Math.max(n, Math.max(16, present.length * 2));
    vecs = Arrays.copyOf(vecs, Math.multiplyExact(cap, dim));
    int old = parent.length;
    parent = Arrays.copyOf(parent, cap);
    Arrays.fill(parent, old, cap, NONE);
    level = Arrays.copyOf(level, cap);
    radius = Arrays.copyOf(radius, cap);
    present = Arrays.copyOf(present, cap);
    children = Arrays.copyOf(children, cap);
    for (int i = old; i < cap; i++) {
      children[i] = new int[0];
    }
    childCount = Arrays.copyOf(childCount, cap);
  }
}
