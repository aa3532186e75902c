package dev.negmine.index.dynamic;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Exact sampling from the softmax over all targets of an {@link SgTree} by rejection against the
 * tree's radius bounds (Monath et al. 2023, after Zaheer et al.'s Canopy sampler).
 *
 * <p>The frontier partitions the targets into <em>singletons</em> (scored, weight {@code
 * exp(s/tau)} known) and <em>nodes</em> standing for a whole subtree S(v), whose mass is bounded by
 * {@code U(v) = |S(v)| exp((<q,v> + |q| R_v)/tau)}. Starting from the root, the node with the
 * largest bound is expanded (its own target becomes a singleton, its children nodes) until the
 * singletons hold at least {@code targetAcceptance} of the frontier's total bound (which guarantees
 * that acceptance rate) or {@code maxExpansions} is reached. Each trial draws an entry with
 * probability proportional to its weight or bound; a singleton is accepted; for a node a uniform
 * member {@code y} of S(v) is drawn and accepted with probability {@code exp(s_y/tau) / (U(v) /
 * |S(v)|) <= 1}. Every accepted draw therefore has probability exactly {@code exp(s_y/tau) / Z},
 * whatever the frontier. If acceptance stays low the frontier is expanded further mid-draw, which
 * keeps exactness (each trial's accepted outcome is distributed as P given the past).
 *
 * <p>A single-threaded worker: reuses buffers between calls; create one per thread. The tree must
 * not change during a call. Logits are handled relative to the root's bound, in doubles, so
 * {@code |q| * 2R / tau} must stay below about 600.
 */
public final class TreeSoftmaxSampler {
  private final SgTree tree;
  private final double tau;
  private final double targetAcceptance;
  private final int maxExpansions;

  private int[] entId = new int[256];
  private double[] entLog = new double[256];
  /** exp(entLog - shift), computed once per entry. */
  private double[] entW = new double[256];
  private double shiftNow;
  private boolean[] entNode = new boolean[256];
  private boolean[] entLive = new boolean[256];
  private float[] entScore = new float[256];
  private int entries;
  private final TreeSearch.MaxHeap pq = new TreeSearch.MaxHeap();
  private double[] cum = new double[256];
  private int[] cumEnt = new int[256];

  /**
   * @param tau softmax temperature, > 0
   * @param targetAcceptance in (0, 1): expansion stops once the acceptance rate is guaranteed to be
   *     at least this
   * @param maxExpansions expansions allowed before drawing starts (more are made if acceptance is low)
   */
  public TreeSoftmaxSampler(SgTree tree, double tau, double targetAcceptance, int maxExpansions) {
    if (!(tau > 0) || !Double.isFinite(tau)) {
      throw new IllegalArgumentException("tau must be > 0, got " + tau);
    }
    if (!(targetAcceptance > 0 && targetAcceptance < 1)) {
      throw new IllegalArgumentException("targetAcceptance must be in (0, 1), got " + targetAcceptance);
    }
    if (maxExpansions < 1) {
      throw new IllegalArgumentException("maxExpansions must be >= 1, got " + maxExpansions);
    }
    this.tree = tree;
    this.tau = tau;
    this.targetAcceptance = targetAcceptance;
    this.maxExpansions = maxExpansions;
  }

  public double tau() {
    return tau;
  }

  /** Draws {@code count} targets (with replacement) from the softmax for query {@code q}. */
  public SoftmaxSamples sample(float[] q, int count, RandomGenerator rng) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    if (tree.size() == 0) {
      throw new IllegalStateException("cannot sample from an empty tree");
    }
    float[] qq = tree.prepareQuery(q);
    float qn = TreeSearch.norm(qq);
    tree.ensureOrder();
    entries = 0;
    pq.clear();
    int root = tree.root();
    float sRoot = tree.score(qq, root);
    int[] scored = {1};
    double shift = logBound(root, sRoot, qn);
    shiftNow = shift;
    double[] sums = new double[2]; // [0] singleton weight, [1] node bound, both times exp(-shift)
    addEntry(root, sRoot, qn, shift, sums);
    int expansions = expand(qq, qn, shift, sums, maxExpansions, scored);
    double ws = sums[0];
    double un = buildCumulative(shift);

    int[] ids = new int[count];
    double[] logw = new double[count];
    int accepted = 0;
    int trials = 0;
    double zSum = 0;
    long zTrials = 0;
    long nextCheck = 20L * count + 64;
    while (accepted < count) {
      if (trials >= nextCheck && pq.size() > 0 && accepted < trials * targetAcceptance) {
        expansions += expand(qq, qn, shift, sums, Math.max(maxExpansions, expansions), scored);
        ws = sums[0];
        un = buildCumulative(shift);
        nextCheck = trials + 20L * count + 64;
        zSum = 0; // estimate Z from the latest frontier only: earlier ones have heavier tails
        zTrials = 0;
      }
      trials++;
      zTrials++;
      double total = ws + un;
      double u = rng.nextDouble() * total;
      int e = cumEnt[search(u)];
      int id = entId[e];
      if (!entNode[e]) {
        ids[accepted] = id;
        logw[accepted] = entLog[e];
        accepted++;
        zSum += ws;
        continue;
      }
      int n = tree.subSizeUnchecked(id);
      int y = tree.subtreeMember(id, rng.nextInt(n));
      float sy = tree.score(qq, y);
      scored[0]++;
      double lw = sy / tau;
      double logAccept = lw - (entLog[e] - Math.log(n));
      // E[1{node region drawn} * acceptance probability] = Z_nodes / (ws + un), so this trial's
      // estimate of Z is ws + total * acceptance probability (the indicator's expectation given y).
      zSum += ws + total * Math.exp(Math.min(0.0, logAccept));
      if (Math.log(rng.nextDouble()) < logAccept) {
        ids[accepted] = y;
        logw[accepted] = lw;
        accepted++;
      }
    }
    boolean exhaustive = pq.size() == 0;
    double z = exhaustive ? ws : (zTrials == 0 ? ws + un : zSum / zTrials);
    double logZ = shift + Math.log(z);
    for (int i = 0; i < count; i++) {
      logw[i] -= logZ;
    }
    return new SoftmaxSamples(ids, logw, logZ, trials, accepted, scored[0], expansions, exhaustive);
  }

  private int expand(float[] qq, float qn, double shift, double[] sums, int budget, int[] scored) {
    int done = 0;
    while (pq.size() > 0 && done < budget) {
      if (sums[0] >= targetAcceptance * (sums[0] + sums[1])) {
        break;
      }
      int e = pq.pop();
      entLive[e] = false;
      sums[1] -= entW[e];
      int v = entId[e];
      addSingleton(v, entScore[e] / tau, shift, sums);
      for (int j = 0, n = tree.childCountUnchecked(v); j < n; j++) {
        int c = tree.childUnchecked(v, j);
        float sc = tree.score(qq, c);
        scored[0]++;
        addEntry(c, sc, qn, shift, sums);
      }
      done++;
    }
    // Recompute the node mass exactly: the running subtraction accumulates rounding.
    double un = 0;
    for (int i = 0; i < entries; i++) {
      if (entLive[i] && entNode[i]) {
        un += entW[i];
      }
    }
    sums[1] = un;
    return done;
  }

  private void addEntry(int id, float s, float qn, double shift, double[] sums) {
    if (tree.subSizeUnchecked(id) == 1) {
      addSingleton(id, s / tau, shift, sums);
      return;
    }
    int e = newEntry(id, logBound(id, s, qn), true, s);
    sums[1] += entW[e];
    pq.push(e, (float) entLog[e]);
  }

  private void addSingleton(int id, double logw, double shift, double[] sums) {
    int e = newEntry(id, logw, false, Float.NaN);
    sums[0] += entW[e];
  }

  private double logBound(int id, float s, float qn) {
    return Math.log(tree.subSizeUnchecked(id)) + TreeSearch.bound(tree, s, qn, tree.radiusUnchecked(id)) / tau;
  }

  private int newEntry(int id, double log, boolean node, float score) {
    if (entries == entId.length) {
      int n = entries * 2;
      entId = Arrays.copyOf(entId, n);
      entLog = Arrays.copyOf(entLog, n);
      entW = Arrays.copyOf(entW, n);
      entNode = Arrays.copyOf(entNode, n);
      entLive = Arrays.copyOf(entLive, n);
      entScore = Arrays.copyOf(entScore, n);
    }
    int e = entries++;
    entId[e] = id;
    entLog[e] = log;
    entW[e] = Math.exp(log - shiftNow);
    entNode[e] = node;
    entLive[e] = true;
    entScore[e] = score;
    return e;
  }

  /** Cumulative weights of the live entries; returns the node part of the total. */
  private double buildCumulative(double shift) {
    if (cum.length < entries) {
      cum = new double[entries * 2];
      cumEnt = new int[entries * 2];
    }
    double acc = 0;
    double un = 0;
    int n = 0;
    for (int i = 0; i < entries; i++) {
      if (!entLive[i]) {
        continue;
      }
      double w = entW[i];
      if (entNode[i]) {
        un += w;
      }
      acc += w;
      cum[n] = acc;
      cumEnt[n] = i;
      n++;
    }
    cumCount = n;
    return un;
  }

  private int cumCount;

  private int search(double u) {
    int lo = 0;
    int hi = cumCount - 1;
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
}
