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
 *
 * <p>Layout of the implementation: {@link SgNodes} holds the per-id arrays and the descent that
 * attaches a target; {@link PreOrder} the lazily rebuilt pre-order layout that subtree queries and
 * sampling read; this class checks arguments and implements the public operations on them.
 */
public final class SgTree {
  /** How queries score targets. */
  public enum Metric {
    /** Maximum inner product on the stored vectors. */
    DOT,
    /** Cosine: vectors are stored unit-normalised, queries normalised. */
    COSINE
  }

  private static final int NONE = SgNodes.NONE;

  private final SgNodes nodes;
  private final PreOrder layout = new PreOrder();

  public SgTree(int dim, Metric metric) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    this.nodes = new SgNodes(dim, java.util.Objects.requireNonNull(metric, "metric"));
  }

  /**
   * Builds a tree over the rows of {@code vectors} with ids {@code 0..rows-1}: the root is the row
   * closest to the mean, the others are inserted farthest first from it (which keeps upper levels
   * spread out).
   */
  public static SgTree build(FloatMatrix vectors, Metric metric) {
    SgTree t = new SgTree(vectors.cols(), metric);
    SgNodes nodes = t.nodes;
    int n = vectors.rows();
    if (n == 0) {
      return t;
    }
    nodes.ensureCapacity(n);
    for (int i = 0; i < n; i++) {
      nodes.store(i, vectors.data(), vectors.offset(i));
    }
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    int center = nodes.closestToMean(ids);
    nodes.present[center] = true;
    nodes.root = center;
    nodes.parent[center] = NONE;
    nodes.size = 1;
    nodes.insertAllUnder(center, ids, center);
    return t;
  }

  public int dim() {
    return nodes.dim;
  }

  public Metric metric() {
    return nodes.metric;
  }

  /** Number of stored targets. */
  public int size() {
    return nodes.size;
  }

  /** Id of the root node, or -1 when empty. */
  public int root() {
    return nodes.root;
  }

  public boolean contains(int id) {
    return id >= 0 && id < nodes.present.length && nodes.present[id];
  }

  /** The node's covering radius (an upper bound on the distance to every vector in its subtree). */
  public float radius(int id) {
    checkPresent(id);
    return nodes.radius[id];
  }

  /** Parent id, or -1 for the root. */
  public int parent(int id) {
    checkPresent(id);
    return nodes.parent[id];
  }

  /** Children ids (a copy). */
  public int[] children(int id) {
    checkPresent(id);
    return Arrays.copyOf(nodes.children[id], nodes.childCount[id]);
  }

  /** A copy of the stored vector (normalised under COSINE). */
  public float[] vector(int id) {
    checkPresent(id);
    return Arrays.copyOfRange(nodes.vecs, id * nodes.dim, (id + 1) * nodes.dim);
  }

  /** Backing array of stored vectors, row {@code id} at {@code id * dim()}; read-only by contract. */
  float[] vectorData() {
    return nodes.vecs;
  }

  /** Ids in the subtree of {@code id}, itself first. */
  public int[] subtree(int id) {
    checkPresent(id);
    ensureOrder();
    return layout.subtree(id);
  }

  /** Number of targets in the subtree of {@code id}, itself included. */
  public int subtreeSize(int id) {
    checkPresent(id);
    ensureOrder();
    return layout.subSize(id);
  }

  /** Depth of the deepest node (root = 0). */
  public int height() {
    ensureOrder();
    int h = 0;
    for (int i = 0; i < nodes.size; i++) {
      int d = 0;
      for (int a = nodes.parent[layout.at(i)]; a != NONE; a = nodes.parent[a]) {
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
    nodes.ensureCapacity(id + 1);
    nodes.store(id, v, 0);
    nodes.present[id] = true;
    nodes.size++;
    nodes.modCount++;
    if (nodes.root == NONE) {
      nodes.root = id;
      nodes.parent[id] = NONE;
      nodes.level[id] = 0;
      nodes.radius[id] = 0f;
      nodes.childCount[id] = 0;
      return;
    }
    float d = nodes.dist(id, nodes.root);
    if (d > Math.scalb(1f, nodes.level[nodes.root])) {
      nodes.level[nodes.root] = SgNodes.levelFor(d);
    }
    nodes.descendAndAttach(id, nodes.root, d);
  }

  /**
   * Removes target {@code id}. A leaf is unlinked; an inner node is replaced in place by one of its
   * leaf descendants, whose radius becomes {@code max over children (|u - c| + R_c)}. Ancestors'
   * radii stay valid because their point sets only shrink.
   */
  public void delete(int id) {
    checkPresent(id);
    nodes.modCount++;
    if (nodes.childCount[id] == 0) {
      nodes.unlink(id);
    } else {
      int u = id;
      while (nodes.childCount[u] > 0) {
        u = nodes.children[u][0];
      }
      nodes.unlink(u);
      int p = nodes.parent[id];
      nodes.parent[u] = p;
      nodes.level[u] = nodes.level[id];
      nodes.children[u] = nodes.children[id];
      nodes.childCount[u] = nodes.childCount[id];
      nodes.children[id] = new int[0];
      nodes.childCount[id] = 0;
      float r = 0f;
      for (int j = 0; j < nodes.childCount[u]; j++) {
        int c = nodes.children[u][j];
        nodes.parent[c] = u;
        r = Math.max(r, nodes.dist(u, c) + nodes.radius[c]);
      }
      nodes.radius[u] = r;
      if (p == NONE) {
        nodes.root = u;
      } else {
        int[] pc = nodes.children[p];
        for (int j = 0; j < nodes.childCount[p]; j++) {
          if (pc[j] == id) {
            pc[j] = u;
          }
        }
      }
    }
    nodes.present[id] = false;
    nodes.parent[id] = NONE;
    nodes.radius[id] = 0f;
    nodes.size--;
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
   * {@code ids[i]}; {@code ids == null} means {@link #updateAllVectors}.
   */
  public void updateVectors(int[] ids, FloatMatrix rows) {
    if (ids == null) {
      updateAllVectors(rows);
      return;
    }
    checkRows(rows);
    if (ids.length != rows.rows()) {
      throw new IllegalArgumentException(ids.length + " ids for " + rows.rows() + " rows");
    }
    for (int i = 0; i < ids.length; i++) {
      checkPresent(ids[i]);
      nodes.store(ids[i], rows.data(), rows.offset(i));
    }
    recomputeRadii();
  }

  /**
   * As {@link #updateVectors} with row {@code i} the new vector of target {@code i}, for every
   * present target {@code i < rows.rows()}; the others keep theirs.
   */
  public void updateAllVectors(FloatMatrix rows) {
    checkRows(rows);
    int n = Math.min(rows.rows(), nodes.present.length);
    for (int i = 0; i < n; i++) {
      if (nodes.present[i]) {
        nodes.store(i, rows.data(), rows.offset(i));
      }
    }
    recomputeRadii();
  }

  private void checkRows(FloatMatrix rows) {
    if (rows.cols() != nodes.dim) {
      throw new IllegalArgumentException("vectors have " + rows.cols() + " dimensions, tree has " + nodes.dim);
    }
  }

  /**
   * Recomputes every radius exactly, bottom-up: each node's radius becomes the largest distance
   * from its vector to a vector in its subtree. O(size x depth) distance evaluations.
   */
  public void recomputeRadii() {
    for (int i = 0; i < nodes.present.length; i++) {
      if (nodes.present[i]) {
        nodes.radius[i] = 0f;
      }
    }
    for (int y = 0; y < nodes.present.length; y++) {
      if (!nodes.present[y]) {
        continue;
      }
      for (int a = nodes.parent[y]; a != NONE; a = nodes.parent[a]) {
        float d = nodes.dist(y, a);
        if (d > nodes.radius[a]) {
          nodes.radius[a] = d;
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
    nodes.modCount++;
    for (int m : members) {
      nodes.children[m] = new int[0];
      nodes.childCount[m] = 0;
      nodes.radius[m] = 0f;
    }
    nodes.insertAllUnder(id, members, id);
  }

  /**
   * Rebuilds every maximal subtree with at most {@code maxSize} targets (and more than one): the
   * tree's lowest levels. Returns how many subtrees were rebuilt.
   */
  public int rebuildSmallSubtrees(int maxSize) {
    if (maxSize < 2 || nodes.root == NONE) {
      return 0;
    }
    ensureOrder();
    int[] roots = new int[nodes.size];
    int n = 0;
    for (int i = 0; i < nodes.size; i++) {
      int v = layout.at(i);
      int p = nodes.parent[v];
      if (layout.subSize(v) > 1 && layout.subSize(v) <= maxSize && (p == NONE || layout.subSize(p) > maxSize)) {
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
    if (nodes.metric == Metric.DOT) {
      return q;
    }
    float n = (float) Math.sqrt(VectorOps.sumOfSquares(q, 0, nodes.dim));
    if (!(n > 0) || !Float.isFinite(n)) {
      throw new IllegalArgumentException("query has norm " + n + "; cosine is undefined");
    }
    float[] c = q.clone();
    for (int i = 0; i < nodes.dim; i++) {
      c[i] /= n;
    }
    return c;
  }

  // ---- package-private accessors for search and sampling (no checks) ----

  float score(float[] q, int id) {
    return VectorOps.dot(q, 0, nodes.vecs, id * nodes.dim, nodes.dim);
  }

  float radiusUnchecked(int id) {
    return nodes.radius[id];
  }

  int childCountUnchecked(int id) {
    return nodes.childCount[id];
  }

  int childUnchecked(int id, int j) {
    return nodes.children[id][j];
  }

  /** Ensures the pre-order layout is current; enables the next two methods. */
  void ensureOrder() {
    layout.ensure(nodes);
  }

  int subSizeUnchecked(int id) {
    return layout.subSize(id);
  }

  /** The {@code i}-th id of {@code id}'s subtree in pre-order (after {@link #ensureOrder}). */
  int subtreeMember(int id, int i) {
    return layout.member(id, i);
  }

  private void checkPresent(int id) {
    if (!contains(id)) {
      throw new IllegalArgumentException("id " + id + " is not in the tree");
    }
  }

  private void checkVector(float[] v) {
    if (v.length != nodes.dim) {
      throw new IllegalArgumentException("vector has " + v.length + " dimensions, tree has " + nodes.dim);
    }
  }
}
