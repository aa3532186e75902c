package dev.negmine.train.negatives;

import ai.djl.ndarray.NDArray;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.mining.Triplets;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.queue.MemoryQueue;
import dev.negmine.core.queue.QueueMining;
import dev.negmine.core.queue.QueueView;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Negatives from a memory queue of earlier batches' embeddings, picked one of two ways
 * ({@link SourcesConfig.QueueSelection}). HARDEST is cross-batch memory (XBM): one fused batch-hard
 * pass over batch and queue, each anchor's hardest negative paired with its hardest positive.
 * BAND (MoCo-style, with or without a momentum key encoder): the anchor's queue positives are up to |P| keys of its label and another id,
 * drawn uniformly; its negatives are drawn as in-batch ones (band first, then the rest) but with
 * the band taken over those key positives, and each pairs with the key positives, not the batch
 * ones. Keys are constants: paired with live positives they reward moving the whole batch away from
 * the queue (that collapsed training); paired with keys of the same age they do not. Rows of the
 * anchor's own item never serve. Before the warm-up, or when no key has the anchor's label, its
 * slots go in-batch. With a {@link HierarchicalTier} the band also prefers keys of the anchor's
 * coarse group.
 *
 * <p>Checkpointing keeps the queue rows in their slots and the key encoder's weights, so a resumed
 * run replays exactly.
 */
final class QueueCandidates implements CandidateSource {
  private final MemoryQueue queue;
  private final MomentumEncoder keys;
  private final List<NDArray> queryParams;
  private final SourcesConfig.QueueSelection selection;
  // the encoders emit unit rows and the queue stores them as given: compare them as they are
  private final Miner hardest = Miners.create("batch-hard", MinerConfig.builder().normalize(false).build());
  private HierarchicalTier tier;
  /** HARDEST: this step's mined (positive, negative) per anchor, references into batch + view; null rows: none. */
  private int[][] mined;
  /** This step's snapshot and anchor-to-key distances; null while the queue serves nothing. */
  private QueueView view;
  private FloatMatrix queueDist;

  /**
   * @param keys momentum key encoder, or null to enqueue the batch's own embeddings
   * @param queryParams the query encoder's parameters (the list is kept: a restore rebinds its
   *     contents in place)
   */
  QueueCandidates(MemoryQueue queue, MomentumEncoder keys, List<NDArray> queryParams,
      SourcesConfig.QueueSelection selection) {
    this.selection = selection;
    this.queue = queue;
    this.keys = keys;
    this.queryParams = queryParams;
  }

  MemoryQueue queue() {
    return queue;
  }

  MomentumEncoder keyEncoder() {
    return keys;
  }

  void useTier(HierarchicalTier t) {
    this.tier = t;
  }

  @Override
  public NegativeSource kind() {
    return NegativeSource.QUEUE;
  }

  @Override
  public void begin(StepView step) {
    mined = null;
    if (selection == SourcesConfig.QueueSelection.HARDEST) {
      beginHardest(step);
      return;
    }
    boolean on = queue.isWarm() && queue.size() > 0;
    view = on ? queue.view() : null;
    queueDist = on ? Similarities.matrix(step.x().rowRange(0, step.batch()), view.embeddings(), Distance.L2) : null;
  }

  /**
   * Cross-batch memory: batch-hard over batch + queue in one fused pass ({@link MemoryQueue#mine},
   * the kernel {@code negmine bench queue} measures; the B x Q scores are never materialised).
   */
  private void beginHardest(StepView step) {
    view = null;
    queueDist = null;
    if (!queue.isWarm() || queue.size() == 0) {
      return;
    }
    int b = step.batch();
    QueueMining r = queue.mine(hardest, step.x().rowRange(0, b), step.batchLabels(), step.batchIds(), step.step());
    view = r.queue();
    mined = new int[b][];
    Triplets t = r.triplets();
    for (int i = 0; i < t.size(); i++) {
      if (mined[t.anchor(i)] == null) {
        mined[t.anchor(i)] = new int[] {t.positive(i), t.negative(i)};
      }
    }
  }

  /** HARDEST: the anchor's mined negative once, paired with its mined positive; later slots go in-batch. */
  private AnchorDraw hardestDraw(StepView step, int a) {
    int[] pn = mined == null ? null : mined[a];
    if (pn == null) {
      return AnchorDraw.FALLBACK;
    }
    int b = step.batch();
    FloatMatrix keys = view.embeddings();
    int p = pn[0];
    int n = pn[1];
    float dp = p < b ? step.dist().get(a, p) : Similarities.score(step.x(), a, keys, p - b, Distance.L2);
    float dn = n < b ? step.dist().get(a, n) : Similarities.score(step.x(), a, keys, n - b, Distance.L2);
    Pick.Positives pos = new Pick.Positives(new int[] {p < b ? p : p - b}, new float[] {dp}, p >= b);
    Pick pick = new Pick(n < b ? n : n - b, dn, n >= b, pos, true);
    boolean[] used = {false};
    return r -> {
      if (used[0]) {
        return Pick.FALLBACK;
      }
      used[0] = true;
      return pick;
    };
  }

  @Override
  public AnchorDraw forAnchor(StepView step, int a, AnchorPositives positives, SplittableRandom rnd) {
    if (selection == SourcesConfig.QueueSelection.HARDEST) {
      return hardestDraw(step, a);
    }
    if (view == null) {
      return AnchorDraw.FALLBACK;
    }
    QueueView v = view;
    FloatMatrix qd = queueDist;
    long label = step.batchLabels()[a];
    long id = step.batchIds()[a];
    int[] keyPos = keyPositives(v, label, id, positives.rows().length, rnd);
    if (keyPos.length == 0) {
      return AnchorDraw.FALLBACK;
    }
    float[] keyPosDist = new float[keyPos.length];
    float lo = Float.MAX_VALUE;
    float hi = -1;
    for (int i = 0; i < keyPos.length; i++) {
      keyPosDist[i] = qd.get(a, keyPos[i]);
      lo = Math.min(lo, keyPosDist[i]);
      hi = Math.max(hi, keyPosDist[i]);
    }
    float bandLo = lo;
    float bandHi = (float) (hi + step.margin());
    HierarchicalTier t = tier;
    Draw draw = new Draw(v.size(), j -> v.labels()[j] != label && v.ids()[j] != id,
        j -> qd.get(a, j) > bandLo && qd.get(a, j) < bandHi && (t == null || t.prefer(label, v.labels()[j])));
    return r -> {
      int q = draw.take(r);
      return q < 0 ? Pick.NONE : new Pick(q, qd.get(a, q), true, new Pick.Positives(keyPos, keyPosDist, true), false);
    };
  }

  /** Up to {@code count} keys with the anchor's label and another id, uniformly without repeats. */
  private static int[] keyPositives(QueueView v, long label, long id, int count, SplittableRandom rnd) {
    Draw d = new Draw(v.size(), j -> v.labels()[j] == label && v.ids()[j] != id, j -> true);
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

  @Override
  public FloatMatrix constants() {
    return view == null ? FloatMatrix.zeros(0, 0) : view.embeddings();
  }

  /** The key encoder's EMA update, then the batch's keys into the queue. */
  @Override
  public void afterStep(StepView step, FloatMatrix batchFeatures, FloatMatrix batchEmbeddings) {
    if (keys != null) {
      keys.update(queryParams);
    }
    queue.enqueue(keys != null ? keys.embed(batchFeatures) : batchEmbeddings, step.batchLabels(), step.batchIds(),
        step.step());
  }

  @Override
  public Map<String, Object> stats(long step) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("queue_size", queue.size());
    out.put("queue_mean_age", queue.ageStats(step).mean());
    out.put("queue_warm", queue.isWarm());
    return out;
  }

  /** Queue rows oldest first (label, id, step, embedding), then the key encoder's weights. */
  @Override
  public void save(DataOutputStream out, long step) throws IOException {
    QueueView v = queue.snapshot();
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
    writeWeights(out, keys == null ? List.of() : keys.weights());
  }

  /** Writes what a run without a queue stores in its place. */
  static void saveAbsent(DataOutputStream out) throws IOException {
    out.writeLong(0);
    out.writeInt(0);
    writeWeights(out, List.of());
  }

  private static void writeWeights(DataOutputStream out, List<float[]> w) throws IOException {
    out.writeInt(w.size());
    for (float[] a : w) {
      out.writeInt(a.length);
      for (float f : a) {
        out.writeFloat(f);
      }
    }
  }

  /**
   * Reads what {@link #save} or {@link #saveAbsent} wrote; {@code into} null means this run has no
   * queue (then the state must hold none).
   */
  static void restore(DataInputStream in, QueueCandidates into) throws IOException {
    long enq = in.readLong();
    int size = in.readInt();
    if (size > 0) {
      if (into == null) {
        throw new IOException("the checkpoint holds a memory queue but this run has none");
      }
      into.refill(in, enq, size);
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
    if (into != null && into.keys != null && !w.isEmpty()) {
      into.keys.restore(w);
    }
  }

  private void refill(DataInputStream in, long enq, int size) throws IOException {
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
}
