package dev.negmine.index.dynamic;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A negative source over a fixed set of targets {@code 0..n-1} whose encodings drift as the encoder
 * trains: keeps an estimate of every target's current encoding and samples negatives for a batch of
 * query embeddings from the softmax over those estimates, with each draw's log-probability for a
 * log-Q correction (Monath et al. 2023).
 *
 * <p>The estimate starts from a full encode. {@link #refreshLandmarks} re-encodes {@code m} random
 * landmark targets with the caller's current encoder, fits the {@link NystromDrift} map from the
 * encodings at the last full encode to the fresh ones of the landmarks of the last {@code window}
 * refreshes ({@link Builder#landmarkWindow}; 1 = this refresh's only), and applies it to every target (the landmarks
 * themselves take their exact new encodings); the tree's vectors and radii follow, and its lowest
 * levels are rebuilt every {@code rebuildEvery} refreshes. {@link #fullReencode} encodes every
 * target (and rebuilds the tree). Both count the encoder rows they spend ({@link #encodedRows}).
 *
 * <p>Sampling runs on the {@link SgTree} with {@link TreeSoftmaxSampler}, or by brute force over the
 * estimates ({@link Sampling#BRUTE_FORCE}: exact normaliser, N dot products per query). Not
 * thread-safe: one training loop drives it.
 */
public final class DynamicIndex {
  /** Encodes the given targets with the current model, one row per id, in order. */
  @FunctionalInterface
  public interface TargetEncoder {
    FloatMatrix encode(int[] targetIds);
  }

  /** How negatives are drawn from the softmax over the estimated encodings. */
  public enum Sampling {
    TREE,
    BRUTE_FORCE
  }

  /**
   * Negatives for a batch: query {@code r}'s draws are {@code ids[r * perQuery ..]}, with their
   * proposal log-probabilities; the cost counters sum over the batch.
   */
  public record Negatives(int rows, int perQuery, int[] ids, float[] logProbabilities, long proposals,
      long accepted, long scored) {
    public Negatives {
      if (ids.length != (long) rows * perQuery || logProbabilities.length != ids.length) {
        throw new IllegalArgumentException("expected " + ((long) rows * perQuery) + " ids and log-probabilities, got "
            + ids.length + " and " + logProbabilities.length);
      }
    }

    public double acceptanceRate() {
      return proposals == 0 ? 1.0 : (double) accepted / proposals;
    }
  }

  /** What one landmark refresh did. */
  public record RefreshStats(int landmarks, double landmarkResidual, int subtreesRebuilt) {}

  private final SgTree.Metric metric;
  private final double tau;
  private final int landmarks;
  private final int window;
  private final boolean affine;
  private final double ridge;
  private final int rebuildEvery;
  private final int rebuildMaxSize;
  private final double targetAcceptance;
  private final int maxExpansions;
  private final Sampling sampling;
  private final long seed;

  private FloatMatrix base;
  private FloatMatrix current;
  private SgTree tree;
  private TreeSoftmaxSampler sampler;
  private long encodedRows;
  private long refreshes;
  /** The last {@code window} refreshes' landmark ids and fresh encodings, oldest first. */
  private final java.util.ArrayDeque<int[]> windowIds = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<FloatMatrix> windowFresh = new java.util.ArrayDeque<>();
  private long fullReencodes;

  private DynamicIndex(Builder b) {
    this.metric = b.metric;
    this.tau = b.tau;
    this.landmarks = b.landmarks;
    this.window = b.window;
    this.affine = b.affine;
    this.ridge = b.ridge;
    this.rebuildEvery = b.rebuildEvery;
    this.rebuildMaxSize = b.rebuildMaxSize;
    this.targetAcceptance = b.targetAcceptance;
    this.maxExpansions = b.maxExpansions;
    this.sampling = b.sampling;
    this.seed = b.seed;
    reset(b.encodings.copy());
  }

  /** A builder over the targets' full encodings (rows = targets, copied). */
  public static Builder builder(FloatMatrix encodings) {
    return new Builder(encodings);
  }

  public int size() {
    return base.rows();
  }

  public int dim() {
    return base.cols();
  }

  /** The current estimated encodings (normalised under COSINE); read-only by contract. */
  public FloatMatrix vectors() {
    return current;
  }

  /** The tree (null under {@link Sampling#BRUTE_FORCE}). */
  public SgTree tree() {
    return tree;
  }

  /** Encoder rows spent by refreshes and full re-encodes (the initial encode is the caller's). */
  public long encodedRows() {
    return encodedRows;
  }

  public long landmarkRefreshes() {
    return refreshes;
  }

  public long fullReencodes() {
    return fullReencodes;
  }

  /**
   * Floats the encoder must produce per landmark refresh, plus the map's parameters: {@code m * d +
   * (d + affine) * d}. The per-step cost of keeping the index current is this over the refresh
   * interval.
   */
  public long floatsPerRefresh() {
    long d = dim();
    return landmarks * d + (d + (affine ? 1 : 0)) * d;
  }

  /**
   * Floats held between refreshes for the drift map's fit: the fresh landmark encodings of the last
   * {@code window} refreshes, {@code window * m * d} (not produced again: each is encoded once).
   */
  public long landmarkBufferFloats() {
    return (long) window * Math.min(landmarks, size()) * dim();
  }

  /**
   * Draws {@code perQuery} negatives for every row of {@code queries} from the softmax at
   * temperature tau over the current estimates. Deterministic for a given {@code drawSeed} and
   * index state.
   */
  public Negatives sample(FloatMatrix queries, int perQuery, long drawSeed) {
    if (queries.cols() != dim()) {
      throw new IllegalArgumentException("queries have " + queries.cols() + " dimensions, the index " + dim());
    }
    if (perQuery < 0) {
      throw new IllegalArgumentException("perQuery must be >= 0, got " + perQuery);
    }
    int rows = queries.rows();
    int[] ids = new int[rows * perQuery];
    float[] logp = new float[ids.length];
    SplittableRandom rng = new SplittableRandom(drawSeed);
    long proposals = 0;
    long accepted = 0;
    long scored = 0;
    if (sampling == Sampling.TREE) {
      for (int r = 0; r < rows; r++) {
        SoftmaxSamples s = sampler.sample(queries.row(r), perQuery, rng);
        for (int j = 0; j < perQuery; j++) {
          ids[r * perQuery + j] = s.ids()[j];
          logp[r * perQuery + j] = (float) s.logProbabilities()[j];
        }
        proposals += s.proposals();
        accepted += s.accepted();
        scored += s.scored();
      }
    } else {
      FloatMatrix q = metric == SgTree.Metric.COSINE ? Similarities.normalizeRows(queries) : queries;
      FloatMatrix scores = Similarities.matrix(q, current, Distance.DOT);
      int n = current.rows();
      double[] cum = new double[n];
      for (int r = 0; r < rows; r++) {
        int off = r * n;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          max = Math.max(max, scores.data()[off + i] / tau);
        }
        double acc = 0;
        for (int i = 0; i < n; i++) {
          acc += Math.exp(scores.data()[off + i] / tau - max);
          cum[i] = acc;
        }
        double logZ = max + Math.log(acc);
        for (int j = 0; j < perQuery; j++) {
          int y = lowerBound(cum, rng.nextDouble() * acc);
          ids[r * perQuery + j] = y;
          logp[r * perQuery + j] = (float) (scores.data()[off + y] / tau - logZ);
        }
        proposals += perQuery;
        accepted += perQuery;
        scored += n;
      }
    }
    return new Negatives(rows, perQuery, ids, logp, proposals, accepted, scored);
  }

  /** Re-encodes {@code m} random landmarks and moves every estimate through the fitted drift map. */
  public RefreshStats refreshLandmarks(TargetEncoder encoder) {
    Objects.requireNonNull(encoder, "encoder");
    int n = size();
    int m = Math.min(landmarks, n);
    int[] ids = distinctSample(n, m, new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (refreshes + 1))));
    FloatMatrix fresh = encoder.encode(ids);
    checkEncoded(fresh, m);
    encodedRows += m;
    refreshes++;
    windowIds.addLast(ids);
    windowFresh.addLast(fresh);
    while (windowIds.size() > window) {
      windowIds.removeFirst();
      windowFresh.removeFirst();
    }
    // every landmark of the window, its latest encoding only (a target drawn twice keeps the newer)
    int[] slot = new int[n];
    java.util.Arrays.fill(slot, -1);
    int[] fitIds = new int[windowIds.size() * m];
    FloatMatrix fitNew = FloatMatrix.zeros(fitIds.length, dim());
    int rows = 0;
    java.util.Iterator<FloatMatrix> fi = windowFresh.descendingIterator();
    for (java.util.Iterator<int[]> ii = windowIds.descendingIterator(); ii.hasNext(); ) {
      int[] wid = ii.next();
      FloatMatrix wf = fi.next();
      for (int i = 0; i < wid.length; i++) {
        if (slot[wid[i]] < 0) {
          slot[wid[i]] = rows;
          fitIds[rows] = wid[i];
          System.arraycopy(wf.data(), wf.offset(i), fitNew.data(), fitNew.offset(rows), dim());
          rows++;
        }
      }
    }
    fitIds = java.util.Arrays.copyOf(fitIds, rows);
    fitNew = fitNew.rowRange(0, rows);
    NystromDrift map = NystromDrift.fit(base.gather(fitIds), fitNew, affine, ridge);
    FloatMatrix est = map.apply(base);
    for (int i = 0; i < m; i++) {
      System.arraycopy(fresh.data(), fresh.offset(i), est.data(), est.offset(ids[i]), dim());
    }
    if (metric == SgTree.Metric.COSINE) {
      normalizeSafely(est);
    }
    current = est;
    int rebuilt = 0;
    if (tree != null) {
      tree.updateAllVectors(current);
      if (rebuildEvery > 0 && refreshes % rebuildEvery == 0) {
        rebuilt = tree.rebuildSmallSubtrees(rebuildMaxSize);
      }
    }
    return new RefreshStats(m, map.landmarkResidual(), rebuilt);
  }

  /** Encodes every target with the current model, makes that the new base, and rebuilds the tree. */
  public void fullReencode(TargetEncoder encoder) {
    int n = size();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    FloatMatrix fresh = encoder.encode(all);
    checkEncoded(fresh, n);
    encodedRows += n;
    fullReencodes++;
    windowIds.clear();
    windowFresh.clear();
    reset(fresh.copy());
  }

  private void reset(FloatMatrix encodings) {
    base = encodings;
    current = encodings.copy();
    if (metric == SgTree.Metric.COSINE) {
      Similarities.normalizeRowsInPlace(current);
    }
    if (sampling == Sampling.TREE) {
      tree = SgTree.build(current, metric);
      sampler = new TreeSoftmaxSampler(tree, tau, targetAcceptance, maxExpansions);
    }
  }

  private void checkEncoded(FloatMatrix m, int rows) {
    if (m.rows() != rows || m.cols() != dim()) {
      throw new IllegalArgumentException("encoder returned " + m.rows() + "x" + m.cols() + ", expected " + rows + "x" + dim());
    }
  }

  private static void normalizeSafely(FloatMatrix a) {
    float[] nr = Similarities.norms(a);
    for (int i = 0; i < a.rows(); i++) {
      float f = nr[i] > 0 && Float.isFinite(nr[i]) ? 1f / nr[i] : 0f;
      int off = a.offset(i);
      for (int j = 0; j < a.cols(); j++) {
        a.data()[off + j] = f == 0f ? (j == 0 ? 1f : 0f) : a.data()[off + j] * f;
      }
    }
  }

  static int[] distinctSample(int n, int m, SplittableRandom rng) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + rng.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return java.util.Arrays.copyOf(perm, m);
  }

  private static int lowerBound(double[] cum, double u) {
    int lo = 0;
    int hi = cum.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** Configuration; defaults in brackets. */
  public static final class Builder {
    private final FloatMatrix encodings;
    private SgTree.Metric metric = SgTree.Metric.COSINE;
    private double tau = 0.05;
    private int landmarks = 256;
    private int window = 1;
    private boolean affine = true;
    private double ridge = 1e-6;
    private int rebuildEvery = 10;
    private int rebuildMaxSize = 64;
    private double targetAcceptance = 0.5;
    private int maxExpansions = 2000;
    private Sampling sampling = Sampling.TREE;
    private long seed = 1;

    private Builder(FloatMatrix encodings) {
      if (encodings.rows() < 1 || encodings.cols() < 1) {
        throw new IllegalArgumentException("need at least one target of dimension >= 1, got " + encodings);
      }
      this.encodings = encodings;
    }

    /** [COSINE] */
    public Builder metric(SgTree.Metric m) {
      this.metric = Objects.requireNonNull(m);
      return this;
    }

    /** Softmax temperature [0.05]. */
    public Builder tau(double t) {
      if (!(t > 0) || !Double.isFinite(t)) {
        throw new IllegalArgumentException("tau must be > 0, got " + t);
      }
      this.tau = t;
      return this;
    }

    /** Landmarks re-encoded per refresh [256]. */
    public Builder landmarks(int m) {
      if (m < 1) {
        throw new IllegalArgumentException("landmarks must be >= 1, got " + m);
      }
      this.landmarks = m;
      return this;
    }

    /**
     * Refreshes whose landmarks the drift map is fitted to [1]: the map is fitted to the landmarks
     * re-encoded in the last {@code w} refreshes (each with its latest encoding), so it sees up to
     * {@code w * m} landmarks for the encoder cost of {@code m} per refresh, the older ones a few
     * refreshes stale. Costs {@code w * m * d} buffered floats.
     */
    public Builder landmarkWindow(int w) {
      if (w < 1) {
        throw new IllegalArgumentException("landmark window must be >= 1, got " + w);
      }
      this.window = w;
      return this;
    }

    /** Affine drift map (a translation term) [true]; ridge relative to the mean eigenvalue [1e-6]. */
    public Builder driftMap(boolean affineMap, double relativeRidge) {
      if (!(relativeRidge >= 0)) {
        throw new IllegalArgumentException("ridge must be >= 0, got " + relativeRidge);
      }
      this.affine = affineMap;
      this.ridge = relativeRidge;
      return this;
    }

    /** Rebuild subtrees of at most {@code maxSize} targets every {@code everyRefreshes} refreshes [10, 64]; 0 = never. */
    public Builder rebuild(int everyRefreshes, int maxSize) {
      if (everyRefreshes < 0 || maxSize < 2) {
        throw new IllegalArgumentException("rebuild needs everyRefreshes >= 0 and maxSize >= 2, got " + everyRefreshes + ", " + maxSize);
      }
      this.rebuildEvery = everyRefreshes;
      this.rebuildMaxSize = maxSize;
      return this;
    }

    /** Sampler frontier: guaranteed acceptance target [0.5] and expansions before drawing [2000]. */
    public Builder frontier(double acceptance, int expansions) {
      if (!(acceptance > 0 && acceptance < 1) || expansions < 1) {
        throw new IllegalArgumentException("frontier needs acceptance in (0,1) and expansions >= 1, got " + acceptance + ", " + expansions);
      }
      this.targetAcceptance = acceptance;
      this.maxExpansions = expansions;
      return this;
    }

    /** [TREE] */
    public Builder sampling(Sampling s) {
      this.sampling = Objects.requireNonNull(s);
      return this;
    }

    /** Seed of the landmark choice [1]. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public DynamicIndex build() {
      return new DynamicIndex(this);
    }
  }
}
