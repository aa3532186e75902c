package dev.negmine.train.negatives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mixer.MixPlan;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.mixer.SourceMixer;
import dev.negmine.core.mixer.SourceStats;
import dev.negmine.core.queue.MemoryQueue;
import dev.negmine.train.loss.MixedTripletLoss;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.loss.SourceLoss;
import dev.negmine.train.loss.StepTuples;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.sampling.Seeds;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The negative sources of a training run behind one interface ({@link CandidateSource}): in-batch
 * always, plus random items, an offline pool, a memory queue and the dynamic tree index as the
 * configuration asks. Each anchor gets {@code slots} negatives, the {@link SourceMixer} assigning
 * every slot to a source under the mix curriculum; {@link TupleAssembler} turns the picks into
 * {@link StepTuples} that any {@link SourceLoss} trains on (triplet, contrastive, InfoNCE).
 *
 * <p>A step is {@link #prepare} (before the forward pass: which extra items to embed, embedded here
 * without gradients when {@link SourcesConfig#detachExtras()}), {@link #tuples} / {@link #loss}
 * (after it) and {@link #finish} (after the optimizer: momentum update, enqueue). Everything is
 * seeded by (seed, step); with a synchronous pool policy a resumed run replays exactly (queue, key
 * encoder and pool are checkpointed by {@link #save}). Training-thread only.
 */
public final class NegativeSources implements AutoCloseable {
  private static final long STREAM_PICK = 12;
  private static final long STREAM_SYNTHETIC = 13;

  private final SourcesConfig sc;
  private final FloatMatrix trainX;
  private final long[] labels;
  private final long[] ids;
  private final long seed;
  private final SourceMixer mixer;
  private final UnaryOperator<FloatMatrix> embedCurrent;
  /** Every source, in the order they register extras (random, pool, dynamic) and save state. */
  private final Map<NegativeSource, CandidateSource> sources = new EnumMap<>(NegativeSource.class);
  private final QueueCandidates queue;
  private final PoolCandidates pool;
  private final DynamicCandidates dynamic;
  private SyntheticNegatives synthetic;
  private Map<String, Object> lastStats = Map.of();
  private final List<SourceListener> listeners = new ArrayList<>();
  /** The last step's tuples and how many of its constant rows are synthetic (tests). */
  StepTuples lastTuples;
  int lastSyntheticRows;

  /**
   * @param trainX preprocessed training features
   * @param ids item id per training row (offline pools name items by these)
   * @param manager the engine's manager, for the momentum encoder and constant arrays (null: the
   *     loss's own manager)
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
    this.embedCurrent = embedCurrent;
    Map<Long, Integer> rowOfId = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      if (rowOfId.put(ids[i], i) != null) {
        throw new IllegalArgumentException("training item id " + ids[i] + " occurs twice");
      }
    }
    this.mixer = new SourceMixer(MixSpec.curriculum(sc.mixFrom(), sc.mixTo(), Math.round(totalSteps * sc.rampFraction())), seed);
    sources.put(NegativeSource.IN_BATCH, new InBatchCandidates());
    sources.put(NegativeSource.RANDOM, new RandomCandidates(trainX.rows(), labels, sc.randomPerStep(), seed));
    this.pool = sc.usesPool() ? new PoolCandidates(new TrainingPool(sc, spec, trainX, labels, ids, rowOfId, seed, clock,
        poolDir, embedCurrent, weights), labels, ids, rowOfId) : null;
    this.dynamic = sc.usesDynamic()
        ? new DynamicCandidates(new DynamicSource(sc.dynamic(), trainX, labels, seed, embedCurrent)) : null;
    // the encoders' outputs are unit rows already; stored as given, so a checkpoint restores them bit for bit
    this.queue = sc.queueSize() <= 0 ? null : new QueueCandidates(
        MemoryQueue.builder(sc.queueSize(), spec.embeddingSize()).warmup(sc.queueWarmup()).normalize(false).build(),
        sc.momentum() > 0 ? new MomentumEncoder(spec, queryParams, sc.momentum(), manager) : null, queryParams,
        sc.queue().selection());
    if (pool != null) {
      sources.put(NegativeSource.OFFLINE, pool);
    }
    if (dynamic != null) {
      sources.put(NegativeSource.DYNAMIC, dynamic);
    }
    if (queue != null) {
      sources.put(NegativeSource.QUEUE, queue);
    }
  }

  public SourcesConfig config() {
    return sc;
  }

  /** Adds a listener for every later step's statistics and pool refreshes. */
  public void addListener(SourceListener l) {
    listeners.add(l);
  }

  private void publish(long step, Map<String, Object> stats) {
    lastStats = stats;
    for (SourceListener l : listeners) {
      l.onSourceStats(step, stats);
    }
  }

  /** Stratifies the queue's candidates by coarse group (see {@link HierarchicalTier}); null = off. */
  public void useTier(HierarchicalTier t) {
    if (queue != null) {
      queue.useTier(t);
    }
  }

  /** Adds synthetic hard negatives per anchor (see {@link SyntheticNegatives}); null = off. */
  public void useSynthetic(SyntheticNegatives s) {
    this.synthetic = s;
  }

  public MemoryQueue queue() {
    return queue == null ? null : queue.queue();
  }

  public MomentumEncoder keyEncoder() {
    return queue == null ? null : queue.keyEncoder();
  }

  /** The offline pool in use, or null without an offline share. */
  TrainingPool pool() {
    return pool == null ? null : pool.pool();
  }

  /** Before the forward pass: the mix plan and the extra items every source wants embedded. */
  public StepRequest prepare(int[] rows, long step) {
    MixPlan mix = mixer.plan(rows.length, sc.slots(), step);
    StepRequest request = new StepRequest(rows, step, mix);
    for (NegativeSource kind : List.of(NegativeSource.RANDOM, NegativeSource.OFFLINE, NegativeSource.DYNAMIC)) {
      CandidateSource s = sources.get(kind);
      if (s != null) {
        s.prepare(request);
      }
    }
    int[] extra = request.extraRows();
    if (sc.detachExtras() && extra.length > 0) {
      request.detach(embedCurrent.apply(trainX.gather(extra)));
    }
    return request;
  }

  /**
   * After the forward pass: every anchor's negatives as loss tuples.
   *
   * @param host the host embeddings of {@link StepRequest#forwardRows()}
   */
  public StepTuples tuples(StepRequest plan, FloatMatrix host, double margin) {
    int b = plan.rows().length;
    int extra = plan.extraRows().length;
    FloatMatrix detached = plan.detachedExtras();
    if (host.rows() != (detached != null ? b : b + extra)) {
      throw new IllegalArgumentException("the step embedded " + host.rows() + " rows, its plan asks for "
          + (detached != null ? b : b + extra));
    }
    FloatMatrix x = host;
    if (detached != null) {
      float[] all = java.util.Arrays.copyOf(host.data(), (b + extra) * host.cols());
      System.arraycopy(detached.data(), 0, all, b * host.cols(), extra * host.cols());
      x = FloatMatrix.of(b + extra, host.cols(), all);
    }
    StepView view = StepView.of(plan, labels, ids, x, margin);
    for (CandidateSource s : sources.values()) {
      s.begin(view);
    }
    TupleAssembler assembler = new TupleAssembler(view, sources, detached == null);
    SplittableRandom synthRnd = synthetic == null ? null : new SplittableRandom(Seeds.derive(seed, STREAM_SYNTHETIC, plan.step()));
    StepTuples t = assembler.assemble(sc.slots(), synthetic, new SplittableRandom(Seeds.derive(seed, STREAM_PICK, plan.step())),
        synthRnd);
    lastTuples = t;
    lastSyntheticRows = (int) assembler.syntheticStats.summary().values().stream().mapToLong(SourceStats.Summary::count).sum();
    Map<String, Object> stats = StepStats.summary(assembler.stats, plan.mix(), sources.values(), plan.step());
    if (synthetic != null) {
      StepStats.addSynthetic(stats, assembler.syntheticStats, assembler.realLoss, assembler.syntheticLoss);
    }
    publish(plan.step(), stats);
    return t;
  }

  /**
   * After the forward pass: the loss of every anchor's negatives under {@code loss}. With the
   * dynamic source's own InfoNCE setting the loss is that source's log-Q corrected InfoNCE.
   *
   * @param all the embeddings of {@link StepRequest#forwardRows()} on the graph
   * @param host the same embeddings on the host
   */
  public NDArray loss(StepRequest plan, NDArray all, FloatMatrix host, double margin, SourceLoss loss) {
    if (sc.dynamicInfoNce()) {
      NDArray l = dynamic.source().infoNceLoss(all, plan.rows().length, plan.forwardRows(), dynamic.draws());
      publish(plan.step(), Map.of("sources", Map.of("dynamic", dynamic.source().stats())));
      return l;
    }
    StepTuples t = tuples(plan, host, margin);
    if (all.getShape().get(0) != t.liveRows()) {
      throw new IllegalArgumentException("the graph holds " + all.getShape().get(0) + " rows, the tuples " + t.liveRows());
    }
    NDArray constants = t.constants().rows() == 0 ? null
        : all.getManager().create(t.constants().data(), new Shape(t.constants().rows(), t.constants().cols()));
    return loss.compute(all, constants, t);
  }

  /** {@link #loss(StepRequest, NDArray, FloatMatrix, double, SourceLoss)} with the semi-hard triplet loss. */
  public NDArray loss(StepRequest plan, NDArray all, FloatMatrix host, double margin, Reduction reduction) {
    return loss(plan, all, host, margin, new MixedTripletLoss(margin, reduction));
  }

  /** After the optimizer step: each source's own update (key encoder, enqueue), then pool refresh events. */
  public void finish(StepRequest plan, FloatMatrix batchX, FloatMatrix batchEmb) {
    if (pool != null) {
      for (Map<String, Object> event : pool.drainEvents()) {
        for (SourceListener l : listeners) {
          l.onPoolRefresh(event);
        }
      }
    }
    if (queue != null) {
      queue.afterStep(StepView.batchOnly(plan, labels, ids, batchEmb), batchX, batchEmb);
    }
  }

  /** The last step's per-source figures (tests; code outside reads them through a {@link SourceListener}). */
  Map<String, Object> lastStats() {
    return lastStats;
  }

  /** Checkpoint state: version, queue rows (oldest first) and key-encoder weights, the pool in use. */
  public void save(DataOutputStream out, long step) throws IOException {
    out.writeInt(1);
    if (queue != null) {
      queue.save(out, step);
    } else {
      QueueCandidates.saveAbsent(out);
    }
    out.writeUTF(pool == null ? "" : pool.pool().persist(step));
  }

  /** Restores what {@link #save} wrote. */
  public void restore(DataInputStream in) throws IOException {
    int version = in.readInt();
    if (version != 1) {
      throw new IOException("negative-source state version " + version + " is not supported");
    }
    QueueCandidates.restore(in, queue);
    String poolName = in.readUTF();
    if (pool != null) {
      pool.pool().restore(poolName);
    }
  }

  @Override
  public void close() {
    for (CandidateSource s : new ArrayList<>(sources.values())) {
      s.close();
    }
  }

  /** The last prepared step's pool draws per anchor, as extra indices (null: none); tests. */
  int[][] offlineDraws() {
    return pool == null ? null : pool.drawn();
  }

  /** Unused sources report nothing; kept so callers can list them (tests). */
  Map<NegativeSource, CandidateSource> sources() {
    return new LinkedHashMap<>(sources);
  }
}
