package dev.negmine.train.negatives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mixer.MixPlan;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.mixer.SourceMixer;
import dev.negmine.core.mixer.SourceStats;
import dev.negmine.core.pool.PoolSampler;
import dev.negmine.core.queue.MemoryQueue;
import dev.negmine.core.queue.QueueView;
import dev.negmine.train.loss.MixedTripletLoss;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.sampling.Seeds;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The per-anchor negative sources of a training step: each anchor gets {@code slots} negatives,
 * the {@link SourceMixer} assigning each slot to random, in-batch, queue or offline under the mix
 * curriculum. A step is {@link #prepare} (before the forward pass: which extra items to embed),
 * {@link #loss} (after it: pick the negatives, build the loss, record per-source figures) and
 * {@link #finish} (after the optimizer: momentum update, enqueue).
 *
 * <p>Choice per source, for anchor a with batch positives P (all same-label batch rows):
 * <ul>
 *   <li>in-batch: uniformly, without repeats, among the candidates whose L2 distance lies in the
 *       semi-hard band (min over P of d(a,p), max over P of d(a,p) + margin); a random candidate
 *       when the band is empty.
 *   <li>queue (cross-batch memory): the anchor's queue positives Pq are up to |P| keys of its label
 *       (another id), drawn uniformly; its queue negatives are drawn as in-batch ones but with the
 *       band taken over Pq, and their triplet terms pair them with Pq, not P. Keys are constants:
 *       paired with live positives they reward moving the whole batch away from the queue (this
 *       collapsed training); paired with keys of the anchor's own label they do not. Queue rows are
 *       never the anchor's own item (same id); before the queue's warm-up, or when it holds no key
 *       of the anchor's label, its slots go in-batch.
 *   <li>random: one of {@code randomPerStep} distinct items drawn uniformly per step (shared by
 *       the batch, as Pinterest does) with another label; in-batch once they are used up.
 *   <li>offline: the anchor's pool draw ({@link PoolSampler}: up to poolPerAnchor distinct
 *       candidates, seeded); anchors the pool lacks, or whose draw is used up, fall back to in-batch.
 * </ul>
 * Random and offline items are embedded by the current encoder: by default ({@link
 * SourcesConfig#detachExtras()}) in {@link #prepare}, without gradients, so they enter the loss as
 * constants like queue rows and only the batch goes through the step's forward and backward pass;
 * otherwise in the same forward pass as the batch, so gradients flow into them. The loss has one
 * term per (anchor, positive, negative) with the negative farther than the positive (semi-hard
 * terms, as the facenet recipe's miner), averaged over active terms.
 *
 * <p>Everything is seeded by (seed, step); with a synchronous pool policy a resumed run replays
 * exactly (queue, key encoder and pool are checkpointed by {@link #save}). Training-thread only.
 */
public final class NegativeSources implements AutoCloseable {
  private static final long STREAM_RANDOM = 11;
  private static final long STREAM_PICK = 12;

  private final SourcesConfig sc;
  private final FloatMatrix trainX;
  private final long[] labels;
  private final long[] ids;
  private final Map<Long, Integer> rowOfId;
  private final long seed;
  private final SourceMixer mixer;
  private final MemoryQueue queue;
  private final MomentumEncoder keys;
  private final TrainingPool pool;
  /** The dynamic tree-index source (issue 5), or null. */
  private final DynamicSource dynamic;
  private final NDManager manager;
  private final UnaryOperator<FloatMatrix> embedCurrent;
  private Map<String, Object> lastStats = Map.of();
  /** Issue 9 hooks (null = off): the queue's group-stratified tier, synthetic hard negatives. */
  private HierarchicalTier tier;
  private SyntheticNegatives synthetic;
  private static final long STREAM_SYNTHETIC = 13;
  /** The last step's loss terms (tests): rows below allRows are embedded, then queue rows, then synthetic ones. */
  record Terms(int[] negAnchor, int[] negRow, int[] termPos, int[] termNeg, int allRows, int queueRows, int syntheticRows) {}
  Terms lastTerms;

  /** What a step decided before its forward pass. */
  public static final class StepPlan {
    final int[] rows;
    final long step;
    final MixPlan mix;
    final int[] extraRows;
    /** Per anchor, extra-row indices (relative to the batch end) of its offline draw. */
    final int[][] offline;
    /** Extra-row indices of the shared random items. */
    final int[] random;
    /** The dynamic source's draws (rows into the step's embeddings), or null. */
    DynamicSource.Draws dynamic;
    /** The extra rows' embeddings when they are detached (taken before the step), else null. */
    final FloatMatrix extraEmb;

    StepPlan(int[] rows, long step, MixPlan mix, int[] extraRows, int[][] offline, int[] random, FloatMatrix extraEmb) {
      this.rows = rows;
      this.step = step;
      this.mix = mix;
      this.extraRows = extraRows;
      this.offline = offline;
      this.random = random;
      this.extraEmb = extraEmb;
    }

    /**
     * Training rows for the forward pass: the batch, then the extra items unless they were
     * embedded, detached, by {@link NegativeSources#prepare}.
     */
    public int[] forwardRows() {
      if (extraEmb != null || extraRows.length == 0) {
        return rows.clone();
      }
      int[] out = java.util.Arrays.copyOf(rows, rows.length + extraRows.length);
      System.arraycopy(extraRows, 0, out, rows.length, extraRows.length);
      return out;
    }

    public MixPlan mix() {
      return mix;
    }
  }

  /**
   * @param trainX preprocessed training features
   * @param ids item id per training row (offline pools name items by these)
   * @param queryParams the query encoder's parameter arrays (for the momentum encoder)
   * @param embedCurrent embeds preprocessed features with the current encoder, no gradients (training thread)
   * @param weights the current weights as host arrays (training thread; for background pool refreshes)
   * @param poolDir where pools mined during training are kept for exact resume, or null
   */
  public NegativeSources(SourcesConfig sc, EncoderSpec spec, FloatMatrix trainX, long[] labels, long[] ids, long seed,
      long totalSteps, InstantSource clock, Path poolDir, NDManager manager, List<NDArray> queryParams,
      UnaryOperator<FloatMatrix> embedCurrent, Supplier<List<float[]>> weights) {
    if (ids.length != labels.length || trainX.rows() != labels.length) {
      throw new IllegalArgumentException("ids, labels and features disagree on the number of training items");
    }
    this.sc = sc;
    this.trainX = trainX;
    this.labels = labels;
    this.ids = ids;
    this.seed = seed;
    this.manager = manager;
    this.embedCurrent = embedCurrent;
    this.rowOfId = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      if (rowOfId.put(ids[i], i) != null) {
        throw new IllegalArgumentException("training item id " + ids[i] + " occurs twice");
      }
    }
    this.mixer = new SourceMixer(MixSpec.curriculum(sc.mixFrom(), sc.mixTo(), Math.round(totalSteps * sc.rampFraction())), seed);
    this.queue = sc.queueSize() > 0
        // the encoders' outputs are unit rows already; stored as given, so a checkpoint restores them bit for bit
        ? MemoryQueue.builder(sc.queueSize(), spec.embeddingSize()).warmup(sc.queueWarmup()).normalize(false).build() : null;
    this.keys = sc.momentum() > 0 ? new MomentumEncoder(spec, queryParams, sc.momentum(), manager) : null;
    this.pool = sc.usesPool()
        ? new TrainingPool(sc, spec, trainX, labels, ids, rowOfId, seed, clock, poolDir, embedCurrent, weights) : null;
    this.dynamic = sc.usesDynamic() ? new DynamicSource(sc.dynamic(), trainX, labels, seed, embedCurrent) : null;
  }

  public SourcesConfig config() {
    return sc;
  }

  /** Stratifies the queue's candidates by coarse group (see {@link HierarchicalTier}); null = off. */
  public void useTier(HierarchicalTier t) {
    this.tier = t;
  }

  /** Adds synthetic hard negatives per anchor (see {@link SyntheticNegatives}); null = off. */
  public void useSynthetic(SyntheticNegatives s) {
    this.synthetic = s;
  }

  public MemoryQueue queue() {
    return queue;
  }

  public MomentumEncoder keyEncoder() {
    return keys;
  }

  /** The offline pool in use, or null without an offline share. */
  TrainingPool pool() {
    return pool;
  }

  /**
   * Before the forward pass: the mix plan, the offline draws and the shared random items (embedded
   * here, without gradients, under {@link SourcesConfig#detachExtras()}).
   */
  public StepPlan prepare(int[] rows, long step) {
    int b = rows.length;
    MixPlan mix = mixer.plan(b, sc.slots(), step);
    LinkedHashMap<Integer, Integer> extra = new LinkedHashMap<>();
    int[] random = new int[0];
    if (mix.count(NegativeSource.RANDOM) > 0) {
      // distinct items: a partial Fisher-Yates shuffle of the training rows
      SplittableRandom r = new SplittableRandom(Seeds.derive(seed, STREAM_RANDOM, step));
      random = new int[Math.min(sc.randomPerStep(), trainX.rows())];
      Map<Integer, Integer> swapped = new HashMap<>();
      for (int i = 0; i < random.length; i++) {
        int k = i + r.nextInt(trainX.rows() - i);
        int vk = swapped.getOrDefault(k, k);
        swapped.put(k, swapped.getOrDefault(i, i));
        random[i] = extra.computeIfAbsent(vk, key -> extra.size());
      }
    }
    int[][] offline = new int[b][];
    if (mix.count(NegativeSource.OFFLINE) > 0 && pool != null) {
      PoolSampler sampler = pool.sampler(step);
      for (int a = 0; a < b; a++) {
        int want = 0;
        for (int s = 0; s < sc.slots(); s++) {
          want += mix.source(a, s) == NegativeSource.OFFLINE ? 1 : 0;
        }
        if (want == 0) {
          continue;
        }
        long[] draw = sampler.sampleOne(ids[rows[a]], step);
        int[] got = new int[Math.min(want, draw.length)];
        int n = 0;
        for (int j = 0; j < draw.length && n < got.length; j++) {
          Integer row = rowOfId.get(draw[j]);
          if (row != null && labels[row] != labels[rows[a]]) {
            got[n++] = extra.computeIfAbsent(row, k -> extra.size());
          }
        }
        offline[a] = java.util.Arrays.copyOf(got, n);
      }
    }
    DynamicSource.Draws dyn = null;
    if (dynamic != null && mix.count(NegativeSource.DYNAMIC) > 0) {
      int[] want = new int[b];
      for (int a = 0; a < b; a++) {
        for (int s = 0; s < sc.slots(); s++) {
          want[a] += mix.source(a, s) == NegativeSource.DYNAMIC ? 1 : 0;
        }
      }
      dyn = dynamic.draw(rows, want, step, extra);
    }
    int[] extraRows = extra.keySet().stream().mapToInt(Integer::intValue).toArray();
    FloatMatrix extraEmb = sc.detachExtras() && extraRows.length > 0 ? embedCurrent.apply(trainX.gather(extraRows)) : null;
    StepPlan plan = new StepPlan(rows, step, mix, extraRows, offline, random, extraEmb);
    plan.dynamic = dyn;
    return plan;
  }

  /**
   * After the forward pass: picks every anchor's negatives and returns the loss.
   *
   * @param all the embeddings of {@link StepPlan#forwardRows()} on the graph: the batch, then the
   *     plan's extra rows unless they are detached
   * @param host the same embeddings on the host
   */
  public NDArray loss(StepPlan plan, NDArray all, FloatMatrix host, double margin, Reduction reduction) {
    int b = plan.rows.length;
    if (sc.dynamicInfoNce()) {
      NDArray l = dynamic.infoNceLoss(all, b, plan.forwardRows(), plan.dynamic);
      lastStats = Map.of("sources", Map.of("dynamic", dynamic.stats()));
      return l;
    }
    int d = host.cols();
    int extra = plan.extraRows.length;
    if (host.rows() != (plan.extraEmb != null ? b : b + extra) || all.getShape().get(0) != host.rows()) {
      throw new IllegalArgumentException("the step embedded " + host.rows() + " rows, its plan asks for "
          + (plan.extraEmb != null ? b : b + extra));
    }
    // host rows [0, b + extra): the batch, then the extra items (from the forward pass or detached)
    float[] x;
    if (plan.extraEmb != null) {
      x = java.util.Arrays.copyOf(host.data(), (b + extra) * d);
      System.arraycopy(plan.extraEmb.data(), 0, x, b * d, extra * d);
    } else {
      x = host.data();
    }
    long[] batchLabels = new long[b];
    for (int i = 0; i < b; i++) {
      batchLabels[i] = labels[plan.rows[i]];
    }
    float[] dist = new float[b * b];
    for (int i = 0; i < b; i++) {
      for (int j = i; j < b; j++) {
        float v = l2(x, i * d, x, j * d, d);
        dist[i * b + j] = v;
        dist[j * b + i] = v;
      }
    }
    boolean queueOn = queue != null && queue.isWarm() && queue.size() > 0;
    QueueView view = queueOn ? queue.view() : null;
    FloatMatrix queueDist = queueOn ? Similarities.matrix(host.rowRange(0, b), view.embeddings(), Distance.L2) : null;
    SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, STREAM_PICK, plan.step));
    List<Integer> queueRows = new ArrayList<>();
    Map<Integer, Integer> queueSlot = new HashMap<>();
    IntList negAnchor = new IntList();
    IntList negRow = new IntList();
    IntList termPos = new IntList();
    IntList termNeg = new IntList();
    SourceStats stats = new SourceStats(margin);
    SourceStats synthStats = new SourceStats(margin);
    SplittableRandom synthRnd = synthetic == null ? null : new SplittableRandom(Seeds.derive(seed, STREAM_SYNTHETIC, plan.step));
    List<float[]> synthRows = new ArrayList<>();
    IntList synthAnchor = new IntList();
    IntList synthTermPos = new IntList();
    IntList synthTermNeg = new IntList();
    // rows with a host embedding in x (batch, then extras from the forward pass or detached);
    // the constants hold the detached extras, then the queue rows, then the synthetic ones
    int allRows = b + extra;
    double realLoss = 0;
    double synthLoss = 0;
    for (int a = 0; a < b; a++) {
      int firstNeg = negAnchor.size();
      int np = 0;
      float dMin = Float.MAX_VALUE;
      float dMax = -1;
      float bestPosSim = -2;
      int[] pos = new int[b];
      for (int p = 0; p < b; p++) {
        if (p != a && batchLabels[p] == batchLabels[a] && ids[plan.rows[p]] != ids[plan.rows[a]]) {
          pos[np++] = p;
          dMin = Math.min(dMin, dist[a * b + p]);
          dMax = Math.max(dMax, dist[a * b + p]);
          bestPosSim = Math.max(bestPosSim, 1 - dist[a * b + p] * dist[a * b + p] / 2);
        }
      }
      if (np == 0) {
        continue;
      }
      float lo = dMin;
      float hi = (float) (dMax + margin);
      int offlineUsed = 0;
      int dynamicUsed = 0;
      Draw batchDraw = null;
      Draw queueDraw = null;
      Draw randomDraw = null;
      int[] qPos = null;
      for (int s = 0; s < sc.slots(); s++) {
        NegativeSource src = plan.mix.source(a, s);
        if (src == NegativeSource.QUEUE && queueOn && qPos == null) {
          qPos = queuePositives(view, batchLabels[a], ids[plan.rows[a]], np, rnd);
        }
        if (src == NegativeSource.QUEUE && (!queueOn || qPos.length == 0)) {
          src = NegativeSource.IN_BATCH;
        }
        if (src == NegativeSource.OFFLINE && (plan.offline[a] == null || offlineUsed >= plan.offline[a].length)) {
          src = NegativeSource.IN_BATCH;
        }
        if (src == NegativeSource.DYNAMIC && (plan.dynamic == null || plan.dynamic.rows[a] == null
            || dynamicUsed >= plan.dynamic.rows[a].length)) {
          src = NegativeSource.IN_BATCH;
        }
        int row;
        float dn;
        boolean fromQueue = false;
        switch (src) {
          case OFFLINE -> {
            row = b + plan.offline[a][offlineUsed++];
            dn = l2(x, a * d, x, row * d, d);
          }
          case DYNAMIC -> {
            row = plan.dynamic.rows[a][dynamicUsed++];
            dn = l2(x, a * d, x, row * d, d);
          }
          case RANDOM -> {
            int qa = a;
            if (randomDraw == null) {
              randomDraw = new Draw(plan.random.length, j -> labels[plan.extraRows[plan.random[j]]] != batchLabels[qa], j -> true);
            }
            int k = randomDraw.take(rnd);
            if (k < 0) {
              src = NegativeSource.IN_BATCH;
              if (batchDraw == null) {
                batchDraw = new Draw(b, j -> batchLabels[j] != batchLabels[qa], j -> dist[qa * b + j] > lo && dist[qa * b + j] < hi);
              }
              k = batchDraw.take(rnd);
              if (k < 0) {
                continue;
              }
              row = k;
              dn = dist[a * b + k];
            } else {
              row = b + plan.random[k];
              dn = l2(x, a * d, x, row * d, d);
            }
          }
          case QUEUE -> {
            long aid = ids[plan.rows[a]];
            int qa = a;
            if (queueDraw == null) {
              // the semi-hard band relative to the anchor's queue positives
              float qlo = Float.MAX_VALUE;
              float qhi = -1;
              for (int q : qPos) {
                qlo = Math.min(qlo, queueDist.get(a, q));
                qhi = Math.max(qhi, queueDist.get(a, q));
              }
              float bandLo = qlo;
              float bandHi = (float) (qhi + margin);
              queueDraw = new Draw(view.size(), j -> view.labels()[j] != batchLabels[qa] && view.ids()[j] != aid,
                  j -> queueDist.get(qa, j) > bandLo && queueDist.get(qa, j) < bandHi
                      && (tier == null || tier.prefer(batchLabels[qa], view.labels()[j])));
            }
            int q = queueDraw.take(rnd);
            if (q < 0) {
              continue;
            }
            dn = queueDist.get(a, q);
            row = b + extra + queueSlot(q, queueSlot, queueRows);
            fromQueue = true;
          }
          default -> {
            int qa = a;
            if (batchDraw == null) {
              batchDraw = new Draw(b, j -> batchLabels[j] != batchLabels[qa], j -> dist[qa * b + j] > lo && dist[qa * b + j] < hi);
            }
            int n = batchDraw.take(rnd);
            if (n < 0) {
              continue;
            }
            row = n;
            dn = dist[a * b + n];
          }
        }
        int negIndex = negAnchor.size();
        negAnchor.add(a);
        negRow.add(row);
        float lossSum = 0;
        if (fromQueue) {
          // queue negatives pair with queue positives: both are keys of the same (older) encoder,
          // so the batch cannot lower the loss by moving away from the queue as a whole
          for (int q : qPos) {
            float dp = queueDist.get(a, q);
            if (dn > dp) {
              termPos.add(b + extra + queueSlot(q, queueSlot, queueRows));
              termNeg.add(negIndex);
              lossSum += (float) Math.max(0, dp - dn + margin);
            }
          }
        } else {
          for (int k = 0; k < np; k++) {
            float dp = dist[a * b + pos[k]];
            if (dn > dp) {
              termPos.add(pos[k]);
              termNeg.add(negIndex);
              lossSum += (float) Math.max(0, dp - dn + margin);
            }
          }
        }
        stats.record(src, 1 - dn * dn / 2, bestPosSim, lossSum);
        realLoss += lossSum;
      }
      if (synthetic != null && negAnchor.size() > firstNeg) {
        // host copies of the anchor and its real negatives: the mixes are constants
        List<float[]> negs = new ArrayList<>();
        int[] nr = negRow.toArray();
        float[] nd = new float[negAnchor.size() - firstNeg];
        float[] av = java.util.Arrays.copyOfRange(x, a * d, a * d + d);
        for (int k = firstNeg; k < negAnchor.size(); k++) {
          float[] v = nr[k] < allRows ? java.util.Arrays.copyOfRange(x, nr[k] * d, nr[k] * d + d)
              : java.util.Arrays.copyOfRange(view.embeddings().data(), view.embeddings().offset(queueRows.get(nr[k] - allRows)),
                  view.embeddings().offset(queueRows.get(nr[k] - allRows)) + d);
          negs.add(v);
          nd[k - firstNeg] = l2(av, 0, v, 0, d);
        }
        for (float[] v : synthetic.mix(av, negs, nd, synthRnd)) {
          int si = synthRows.size();
          synthRows.add(v);
          synthAnchor.add(a);
          float dn = l2(av, 0, v, 0, d);
          float lossSum = 0;
          for (int k = 0; k < np; k++) {
            float dp = dist[a * b + pos[k]];
            if (dn > dp) {
              synthTermPos.add(pos[k]);
              synthTermNeg.add(si);
              lossSum += (float) Math.max(0, dp - dn + margin);
            }
          }
          synthStats.record(NegativeSource.IN_BATCH, 1 - dn * dn / 2, bestPosSim, lossSum);
          synthLoss += lossSum;
        }
      }
    }
    if (!synthRows.isEmpty()) {
      // synthetic negatives go after the queue rows among the constants; only ever as negatives
      int base = negAnchor.size();
      int rowBase = allRows + queueRows.size();
      int[] sa = synthAnchor.toArray();
      for (int k = 0; k < sa.length; k++) {
        negAnchor.add(sa[k]);
        negRow.add(rowBase + k);
      }
      int[] tp = synthTermPos.toArray();
      int[] tn = synthTermNeg.toArray();
      for (int k = 0; k < tp.length; k++) {
        termPos.add(tp[k]);
        termNeg.add(base + tn[k]);
      }
    }
    // constants: the detached extra rows (if any), then the queue rows picked
    NDArray constants = null;
    int detached = plan.extraEmb != null ? extra : 0;
    int rowsC = detached + queueRows.size() + synthRows.size();
    if (rowsC > 0) {
      float[] c = new float[rowsC * d];
      if (detached > 0) {
        System.arraycopy(plan.extraEmb.data(), 0, c, 0, detached * d);
      }
      FloatMatrix qe = queueRows.isEmpty() ? null : view.embeddings();
      for (int i = 0; i < queueRows.size(); i++) {
        System.arraycopy(qe.data(), qe.offset(queueRows.get(i)), c, (detached + i) * d, d);
      }
      for (int i = 0; i < synthRows.size(); i++) {
        System.arraycopy(synthRows.get(i), 0, c, (detached + queueRows.size() + i) * d, d);
      }
      constants = (manager != null ? manager : all.getManager()).create(c, new Shape(rowsC, d));
    }
    lastTerms = new Terms(negAnchor.toArray(), negRow.toArray(), termPos.toArray(), termNeg.toArray(), allRows,
        queueRows.size(), synthRows.size());
    NDArray l = MixedTripletLoss.compute(all, b, constants, lastTerms.negAnchor, lastTerms.negRow, lastTerms.termPos,
        lastTerms.termNeg, margin, reduction);
    lastStats = summary(stats, plan.mix, plan.step);
    if (synthetic != null) {
      addSynthetic(lastStats, synthStats, realLoss, synthLoss);
    }
    return l;
  }

  /** The constant slot of queue row {@code q}, added on first use. */
  private static int queueSlot(int q, Map<Integer, Integer> slots, List<Integer> rows) {
    return slots.computeIfAbsent(q, k -> {
      rows.add(k);
      return rows.size() - 1;
    });
  }

  /**
   * Up to {@code count} queue rows with the anchor's label and another id, uniformly without
   * repeats (the anchor's positives among the keys).
   */
  private static int[] queuePositives(QueueView view, long label, long id, int count, SplittableRandom rnd) {
    Draw d = new Draw(view.size(), j -> view.labels()[j] == label && view.ids()[j] != id, j -> true);
    int[] out = new int[count];
    int n = 0;
    while (n < count) {
      int q = d.take(rnd);
      if (q < 0) {
        break;
      }
      out[n++] = q;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** After the optimizer step: the key encoder's EMA update, then the batch's keys into the queue. */
  public void finish(StepPlan plan, List<NDArray> queryParams, FloatMatrix batchX, FloatMatrix batchEmb) {
    if (keys != null) {
      keys.update(queryParams);
    }
    if (queue != null) {
      int b = plan.rows.length;
      long[] l = new long[b];
      long[] id = new long[b];
      for (int i = 0; i < b; i++) {
        l[i] = labels[plan.rows[i]];
        id[i] = ids[plan.rows[i]];
      }
      queue.enqueue(keys != null ? keys.embed(batchX) : batchEmb, l, id, plan.step);
    }
  }

  /** The last step's per-source figures (for the step's metrics line). */
  public Map<String, Object> lastStats() {
    return lastStats;
  }

  /** Pool refresh events since the last call. */
  public List<Map<String, Object>> drainEvents() {
    return pool == null ? List.of() : pool.drainEvents();
  }

  private Map<String, Object> summary(SourceStats stats, MixPlan mix, long step) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> per = new LinkedHashMap<>();
    for (var e : stats.summary().entrySet()) {
      SourceStats.Summary s = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("count", s.count());
      m.put("planned", mix.count(e.getKey()));
      m.put("mean_similarity", s.meanSimilarity());
      m.put("active_fraction", s.activeFraction());
      m.put("loss_share", s.lossShare());
      m.put("suspected_false_negatives", s.suspectedFalseNegatives());
      per.put(MixSpec.name(e.getKey()), m);
    }
    out.put("sources", per);
    Map<String, Double> ratios = new LinkedHashMap<>();
    for (NegativeSource s : NegativeSource.values()) {
      ratios.put(MixSpec.name(s), mix.ratios().share(s));
    }
    out.put("mix", ratios);
    if (dynamic != null) {
      out.put("dynamic", dynamic.stats());
    }
    if (queue != null) {
      out.put("queue_size", queue.size());
      out.put("queue_mean_age", queue.ageStats(step).mean());
      out.put("queue_warm", queue.isWarm());
    }
    return out;
  }

  /** The synthetic negatives' figures as one more entry of the step's {@code sources}. */
  @SuppressWarnings("unchecked")
  private static void addSynthetic(Map<String, Object> out, SourceStats synthStats, double realLoss, double synthLoss) {
    Map<String, Object> per = (Map<String, Object>) out.get("sources");
    SourceStats.Summary s = synthStats.summary().get(NegativeSource.IN_BATCH);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", s == null ? 0 : s.count());
    m.put("planned", 0);
    m.put("mean_similarity", s == null ? Double.NaN : s.meanSimilarity());
    m.put("active_fraction", s == null ? 0.0 : s.activeFraction());
    m.put("loss_share", realLoss + synthLoss == 0 ? Double.NaN : synthLoss / (realLoss + synthLoss));
    m.put("suspected_false_negatives", s == null ? 0 : s.suspectedFalseNegatives());
    per.put("synthetic", m);
  }

  private static float l2(float[] x, int i, float[] y, int j, int d) {
    float s = 0;
    for (int k = 0; k < d; k++) {
      float t = x[i + k] - y[j + k];
      s += t * t;
    }
    return (float) Math.sqrt(s);
  }

  /** Checkpoint state: queue rows (oldest first), key-encoder weights, the pool in use. */
  public void save(DataOutputStream out, long step) throws IOException {
    out.writeInt(1);
    if (queue != null) {
      QueueView v = queue.snapshot();
      Integer[] order = new Integer[v.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      long enq = queue.enqueued();
      int cap = queue.capacity();
      // slot order -> enqueue order: the oldest row sits at slot (enqueued - size) mod capacity
      int oldest = (int) ((enq - v.size()) % cap);
      out.writeLong(enq);
      out.writeInt(v.size());
      int d = v.embeddings().cols();
      for (int k = 0; k < v.size(); k++) {
        int i = (oldest + k) % Math.max(1, v.size());
        out.writeLong(v.labels()[i]);
        out.writeLong(v.ids()[i]);
        out.writeLong(v.steps()[i]);
        for (int c = 0; c < d; c++) {
          out.writeFloat(v.embeddings().get(i, c));
        }
      }
    } else {
      out.writeLong(0);
      out.writeInt(0);
    }
    List<float[]> w = keys == null ? List.of() : keys.weights();
    out.writeInt(w.size());
    for (float[] a : w) {
      out.writeInt(a.length);
      for (float f : a) {
        out.writeFloat(f);
      }
    }
    out.writeUTF(pool == null ? "" : pool.persist(step));
  }

  /** Restores what {@link #save} wrote. */
  public void restore(DataInputStream in) throws IOException {
    int version = in.readInt();
    if (version != 1) {
      throw new IOException("negative-source state version " + version + " is not supported");
    }
    long enq = in.readLong();
    int size = in.readInt();
    if (size > 0) {
      if (queue == null) {
        throw new IOException("the checkpoint holds a memory queue but this run has none");
      }
      int d = queue.dimension();
      int cap = queue.capacity();
      FloatMatrix e = FloatMatrix.zeros(size, d);
      long[] l = new long[size];
      long[] id = new long[size];
      long[] st = new long[size];
      for (int k = 0; k < size; k++) {
        l[k] = in.readLong();
        id[k] = in.readLong();
        st[k] = in.readLong();
        for (int c = 0; c < d; c++) {
          e.set(k, c, in.readFloat());
        }
      }
      // refill so every row lands in its original slot: filler rows first, then oldest to newest
      int lead = size == cap ? (int) (enq % cap) : 0;
      if (lead > 0) {
        queue.enqueue(e.rowRange(0, lead), java.util.Arrays.copyOf(l, lead), java.util.Arrays.copyOf(id, lead), st[0]);
      }
      for (int k = 0; k < size; k++) {
        queue.enqueue(e.rowRange(k, k + 1), new long[] {l[k]}, new long[] {id[k]}, st[k]);
      }
    }
    int arrays = in.readInt();
    List<float[]> w = new ArrayList<>();
    for (int i = 0; i < arrays; i++) {
      float[] a = new float[in.readInt()];
      for (int k = 0; k < a.length; k++) {
        a[k] = in.readFloat();
      }
      w.add(a);
    }
    if (keys != null && !w.isEmpty()) {
      keys.restore(w);
    }
    String poolName = in.readUTF();
    if (pool != null) {
      pool.restore(poolName);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private static final class IntList {
    private int[] a = new int[64];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
