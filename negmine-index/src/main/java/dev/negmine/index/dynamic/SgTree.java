package dev.negmine.index.dynamic;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.VectorOps;
import java.util.Arrays;

/**
 * A dynamic SG-tree (Zaheer et al.: a cover tree without the nesting invariant) over target vectors
 * identified by non-negative int ids. Every stored target is exactly one node; a node's children
 * sit at lower levels, a child created at level {@code l} is farther than {@code 2^l} from its
 * siblings (separation), and insertion descends only into children whose ball {@code 2^level}
 * covers the new point.
 *
 * <p><b>Contract kept at all times:</b> {@link #radius(int)} is an upper bound on the Euclidean
 * distance from the node's vector to every vector in its subtree (itself included). Search and
 * sampling rely only on this, never on the level invariants, so vectors may drift ({@link
 * #updateVectors}) and radii are recomputed bottom-up; structural quality is restored by {@link
 * #rebuildSubtree} / {@link #rebuildSmallSubtrees}.
 *
 * <p>Inner-product bound used by search and sampling: for every {@code y} under node {@code c},
 * {@code <q,y> <= <q,c> + |q| R_c}. Under {@link Metric#COSINE} vectors are stored unit-normalised
 * and queries are normalised before scoring.
 *
 * <p>Not thread-safe: one writer, and reads must not overlap writes. Memory: {@code dim} floats plus
 * about 8 ints per id slot.
 */
public final class SgTree {
  /** How queries score targets. */
  public enum Metric {
    /** Maximum inner product on the stored vectors. */
    DOT,
    /** Cosine: vectors are stored unit-normalised, queries normalised. */
    COSINE
  }

  static final int MIN_LEVEL = -40;
  private static final int NONE = -1;

  private final int dim;
  private final Metric metric;
  private float[] vecs = new float[0];
  private int[] parent = new int[0];
  private int[] level = new int[0];
  private float[] radius = new float[0];
  private boolean[] present = new boolean[0];
  private int[][] children = new int[0][];
  private int[] childCount = new int[0];
  private int root = NONE;
  private int size;
  private long modCount;

  // Lazily rebuilt pre-order layout: the subtree of v is order[start[v] .. start[v] + subSize[v]).
  private long orderVersion = -1;
  private int[] order = new int[0];
  private int[] start = new int[0];
  private int[] subSize = new int[0];

  public SgTree(int dim, Metric metric) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    this.dim = dim;
    this.metric = java.util.Objects.requireNonNull(metric, "metric");
  }

  /**
   * Builds a tree over the rows of {@code vectors} with ids {@code 0..rows-1}: the root is the row
   * closest to the mean, the others are inserted farthest first from it (which keeps upper levels
   * spread out).
   */
  public static SgTree build(FloatMatrix vectors, Metric metric) {
    SgTree t = new SgTree(vectors.cols(), metric);
    int n = vectors.rows();
    if (n == 0) {
      return t;
    }
    t.ensureCapacity(n);
    for (int i = 0; i < n; i++) {
      t.store(i, vectors.data(), vectors.offset(i));
    }
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    int center = t.closestToMean(ids);
    t.present[center] = true;
    t.root = center;
    t.parent[center] = NONE;
    t.size = 1;
    t.insertAllUnder(center, ids, center);
    return t;
  }

  public int dim() {
    return dim;
  }

  public Metric metric() {
    return metric;
  }

  /** Number of stored targets. */
  public int size() {
    return size;
  }

  /** Id of the root node, or -1 when empty. */
  public int root() {
    return root;
  }

  public boolean contains(int id) {
    return id >= 0 && id < present.length && present[id];
  }

  /** The node's covering radius (an upper bound on the distance to every vector in its subtree). */
  public float radius(int id) {
    checkPresent(id);
    return radius[id];
  }

  /** Parent id, or -1 for the root. */
  public int parent(int id) {
    checkPresent(id);
    return parent[id];
  }

  /** Children ids (a copy). */
  public int[] children(int id) {
    checkPresent(id);
    return Arrays.copyOf(children[id], childCount[id]);
  }

  /** A copy of the stored vector (normalised under COSINE). */
  public float[] vector(int id) {
    checkPresent(id);
    return Arrays.copyOfRange(vecs, id * dim, (id + 1) * dim);
  }

  /** Backing array of stored vectors, row {@code id} at {@code id * dim()}; read-only by contract. */
  float[] vectorData() {
    return vecs;
  }

  /** Ids in the subtree of {@code id}, itself first. */
  public int[] subtree(int id) {
    checkPresent(id);
    ensureOrder();
    return Arrays.copyOfRange(order, start[id], start[id] + subSize[id]);
  }

  /** Number of targets in the subtree of {@code id}, itself included. */
  public int subtreeSize(int id) {
    checkPresent(id);
    ensureOrder();
    return subSize[id];
  }

  /** Depth of the deepest node (root = 0). */
  public int height() {
    ensureOrder();
    int h = 0;
    for (int i = 0; i < size; i++) {
      int d = 0;
      for (int a = parent[order[i]]; a != NONE; a = parent[a]) {
        d++;
      }
      h = Math.max(h, d);
    }
    return h;
  }

  /** Inserts target {@code id} (not present) with vector {@code v}; cost O(depth x children). */
  public void insert(int id, float[] v) {
    checkVector(v);
    if (id < 0) {
      throw new IllegalArgumentException("id must be >= 0, got " + id);
    }
    if (contains(id)) {
      throw new IllegalArgumentException("id " + id + " is already in the tree");
    }
    ensureCapacity(id + 1);
    store(id, v, 0);
    present[id] = true;
    size++;
    modCount++;
    if (root == NONE) {
      root = id;
      parent[id] = NONE;
      level[id] = 0;
      radius[id] = 0f;
      childCount[id] = 0;
      return;
    }
    float d = dist(id, root);
    if (d > Math.scalb(1f, level[root])) {
      level[root] = levelFor(d);
    }
    descendAndAttach(id, root, d);
  }

  /**
   * Removes target {@code id}. A leaf is unlinked; an inner node is replaced in place by one of its
   * leaf descendants, whose radius becomes {@code max over children (|u - c| + R_c)}. Ancestors'
   * radii stay valid because their point sets only shrink.
   */
  public void delete(int id) {
    checkPresent(id);
    modCount++;
    if (childCount[id] == 0) {
      unlink(id);
    } else {
      int u = id;
      while (childCount[u] > 0) {
        u = children[u][0];
      }
      unlink(u);
      int p = parent[id];
      parent[u] = p;
      level[u] = level[id];
      children[u] = children[id];
      childCount[u] = childCount[id];
      children[id] = new int[0];
      childCount[id] = 0;
      float r = 0f;
      for (int j = 0; j < childCount[u]; j++) {
        int c = children[u][j];
        parent[c] = u;
        r = Math.max(r, dist(u, c) + radius[c]);
      }
      radius[u] = r;
      if (p == NONE) {
        root = u;
      } else {
        int[] pc = children[p];
        for (int j = 0; j < childCount[p]; j++) {
          if (pc[j] == id) {
            pc[j] = u;
          }
        }
      }
    }
    present[id] = false;
    parent[id] = NONE;
    radius[id] = 0f;
    size--;
  }

  /** Moves target {@code id} to vector {@code v} (delete, then insert). */
  public void update(int id, float[] v) {
    checkVector(v);
    delete(id);
    insert(id, v);
  }

  /**
   * Replaces the vectors of the given targets without changing the structure, then recomputes every
   * radius exactly ({@link #recomputeRadii}). {@code rows} row {@code i} is the new vector of
   * {@code ids[i]}; pass {@code ids == null} to mean row {@code i} is target {@code i} for every
   * present target {@code i < rows.rows()}.
   */
  public void updateVectors(int[] ids, FloatMatrix rows) {
    if (rows.cols() != dim) {
      throw new IllegalArgumentException("vectors have " + rows.cols() + " dimensions, tree has " + dim);
    }
    if (ids == null) {
      int n = Math.min(rows.rows(), present.length);
      for (int i = 0; i < n; i++) {
        if (present[i]) {
          store(i, rows.data(), rows.offset(i));
        }
      }
    } else {
      if (ids.length != rows.rows()) {
        throw new IllegalArgumentException(ids.length + " ids for " + rows.rows() + " rows");
      }
      for (int i = 0; i < ids.length; i++) {
        checkPresent(ids[i]);
        store(ids[i], rows.data(), rows.offset(i));
      }
    }
    recomputeRadii();
  }

  /**
   * Recomputes every radius exactly, bottom-up: each node's radius becomes the largest distance
   * from its vector to a vector in its subtree. O(size x depth) distance evaluations.
   */
  public void recomputeRadii() {
    for (int i = 0; i < present.length; i++) {
      if (present[i]) {
        radius[i] = 0f;
      }
    }
    for (int y = 0; y < present.length; y++) {
      if (!present[y]) {
        continue;
      }
      for (int a = parent[y]; a != NONE; a = parent[a]) {
        float d = dist(y, a);
        if (d > radius[a]) {
          radius[a] = d;
        }
      }
    }
  }

  /**
   * Rebuilds the subtree under {@code id} from its current vectors: {@code id} stays in place (so
   * the parent's links and every ancestor's point set are unchanged), its level is raised to cover
   * the farthest member, and the others are reinserted farthest first.
   */
  public void rebuildSubtree(int id) {
    checkPresent(id);
    int[] members = subtree(id);
    modCount++;
    for (int m : members) {
      children[m] = new int[0];
      childCount[m] = 0;
      radius[m] = 0f;
    }
    insertAllUnder(id, members, id);
  }

  /**
   * Rebuilds every maximal subtree with at most {@code maxSize} targets (and more than one): the
   * tree's lowest levels. Returns how many subtrees were rebuilt.
   */
  public int rebuildSmallSubtrees(int maxSize) {
    if (maxSize < 2 || root == NONE) {
      return 0;
    }
    ensureOrder();
    int[] roots = new int[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      int v = order[i];
      int p = parent[v];
      if (subSize[v] > 1 && subSize[v] <= maxSize && (p == NONE || subSize[p] > maxSize)) {
        roots[n++] = v;
      }
    }
    for (int i = 0; i < n; i++) {
      rebuildSubtree(roots[i]);
    }
    return n;
  }

  // ---- search ----

  /**
   * Exact k highest-scoring targets by best-first search with the radius bounds, best first, ties
   * in unspecified order. {@code q} is not modified.
   */
  public Neighbors knn(float[] q, int k) {
    return TreeSearch.exact(this, prepareQuery(q), k);
  }

  /**
   * Beam search: level by level keep the {@code width} children with the highest bounds.
   * Approximate; {@code width >= size()} makes it exact.
   */
  public Neighbors beam(float[] q, int k, int width) {
    return TreeSearch.beam(this, prepareQuery(q), k, width);
  }

  /** The query as the tree scores it (normalised copy under COSINE, else q itself). */
  float[] prepareQuery(float[] q) {
    checkVector(q);
    if (metric == Metric.DOT) {
      return q;
    }
    float n = (float) Math.sqrt(VectorOps.sumOfSquares(q, 0, dim));
    if (!(n > 0) || !Float.isFinite(n)) {
      throw new IllegalArgumentException("query has norm " + n + "; cosine is undefined");
    }
    float[] c = q.clone();
    for (int i = 0; i < dim; i++) {
      c[i] /= n;
    }
    return c;
  }

  // ---- package-private accessors for search and sampling (no checks) ----

  float score(float[] q, int id) {
    return VectorOps.dot(q, 0, vecs, id * dim, dim);
  }

  float radiusUnchecked(int id) {
    return radius[id];
  }

  int childCountUnchecked(int id) {
    return childCount[id];
  }

  int childUnchecked(int id, int j) {
    return children[id][j];
  }

  /** Ensures the pre-order layout is current; returns nothing, enables the next three methods. */
  void ensureOrder() {
    if (orderVersion == modCount) {
      return;
    }
    if (order.length < size) {
      order = new int[Math.max(size, 16)];
    }
    if (start.length < present.length) {
      start = new int[present.length];
      subSize = new int[present.length];
    }
    if (root != NONE) {
      int[] stack = new int[size];
      int sp = 0;
      int pos = 0;
      stack[sp++] = root;
      while (sp > 0) {
        int v = stack[--sp];
        start[v] = pos;
        order[pos++] = v;
        for (int j = childCount[v] - 1; j >= 0; j--) {
          stack[sp++] = children[v][j];
        }
      }
      for (int i = pos - 1; i >= 0; i--) {
        int v = order[i];
        int s = 1;
        for (int j = 0; j < childCount[v]; j++) {
          s += subSize[children[v][j]];
        }
        subSize[v] = s;
      }
    }
    orderVersion = modCount;
  }

  int subSizeUnchecked(int id) {
    return subSize[id];
  }

  /** The {@code i}-th id of {@code id}'s subtree in pre-order (after {@link #ensureOrder}). */
  int subtreeMember(int id, int i) {
    return order[start[id] + i];
  }

  // ---- internals ----

  private void insertAllUnder(int top, int[] members, int skip) {
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

  private void descendAndAttach(int id, int start, float dStart) {
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

  private void unlink(int id) {
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

  private int closestToMean(int[] ids) {
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

  static int levelFor(float d) {
    int e = Math.getExponent(d);
    if (Math.scalb(1f, e) < d) {
      e++;
    }
    return Math.max(MIN_LEVEL, e);
  }

  private float dist(int a, int b) {
    return VectorOps.distance(vecs, a * dim, vecs, b * dim, dim);
  }

  private void store(int id, float[] src, int off) {
    System.arraycopy(src, off, vecs, id * dim, dim);
    if (metric == Metric.COSINE) {
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

  private void ensureCapacity(int n) {
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

  private void checkPresent(int id) {
    if (!contains(id)) {
      throw new IllegalArgumentException("id " + id + " is not in the tree");
    }
  }

  private void checkVector(float[] v) {
    if (v.length != dim) {
      throw new IllegalArgumentException("vector has " + v.length + " dimensions, tree has " + dim);
    }
  }
}
