package dev.negmine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.negmine.core.data.LabeledData;
import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.CollectiveException;
import dev.negmine.core.distributed.CommStats;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import dev.negmine.train.curriculum.Phase;
import dev.negmine.train.data.Preprocessing;
import dev.negmine.train.distributed.Shards;
import dev.negmine.train.engine.Adam;
import dev.negmine.train.engine.TorchRuntime;
import dev.negmine.train.loss.HostGradientLoss;
import dev.negmine.train.loss.Losses;
import dev.negmine.train.loss.TupleLoss;
import dev.negmine.train.model.Encoders;
import dev.negmine.train.monitor.BatchMonitor;
import dev.negmine.train.monitor.BatchStats;
import dev.negmine.train.negatives.NegativeSources;
import dev.negmine.train.sampling.BatchSampler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains an encoder on labelled items: M-per-class (or shuffled) batches, the curriculum's miner on
 * each batch's embeddings, the loss on the engine's tensors, Adam. Owns native memory: close it.
 * Single-threaded; not thread-safe.
 *
 * <p>Progress is a position (epoch, step within the epoch) that only moves forward one step at a
 * time, so a checkpoint taken at any step boundary and restored with {@link #restore} continues
 * exactly as the uninterrupted run: batches, miner randomness and the learning rate are pure
 * functions of (seed, epoch, step), and weights and optimizer moments are restored bit for bit.
 */
public final class Trainer implements AutoCloseable {
  /** Items per forward pass when embedding without gradients. */
  private static final int EMBED_CHUNK = 1024;

  private final TrainConfig config;
  private final LabeledData train;
  private final FloatMatrix trainX;
  private final Preprocessing preprocessing;
  private final MinerFactory miners;
  private final BatchSampler sampler;
  private final NDManager manager;
  private final Block block;
  private final ParameterStore store;
  private final List<NDArray> params = new ArrayList<>();
  private final Adam adam;
  private final Engine engine;
  private final BatchMonitor monitor;
  /** Negative sources beyond the batch miner, or null. */
  private final NegativeSources sources;

  private int epoch;
  private int stepInEpoch;
  private long step;
  private int[][] epochBatches;
  /**
   * Runs the monitor's host-side statistics of a step (hardest loss, effective rank...) on the
   * second core while the engine runs backward and the optimizer on this one; joined before the
   * step returns, so steps stay strictly sequential.
   */
  private final ExecutorService monitorThread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "negmine-monitor");
    t.setDaemon(true);
    return t;
  });
  private Future<BatchStats> pendingStats;
  /** Item id per training row. */
  private final long[] ids;
  /** The replicas this trainer is one of, or null for a single process (see {@link #distribute}). */
  private Collective collective;
  private int gradShards;
  private StepComm lastComm;
  private GlobalBatch lastGlobal;

  /**
   * Compute against communication in the last distributed step.
   *
   * @param computeSeconds the step's wall time outside collectives
   * @param commSeconds time inside collectives (waiting for slower ranks included)
   * @param bytes bytes moved into this rank (see {@link CommStats})
   * @param worldSize ranks
   */
  public record StepComm(double computeSeconds, double commSeconds, long bytes, int worldSize) {}

  /**
   * The last distributed step's gathered batch, in rank order, and the tuples mined on it: the
   * candidates every anchor saw (for checks and tests).
   */
  public record GlobalBatch(long[] ids, long[] labels, dev.negmine.core.mining.Triplets mined) {}
  /** Augmented views (issue 9), or null. */
  private final dev.negmine.train.augment.ImageAugmenter augmenter;

  /**
   * Where a trainer runs, for the negative sources: item ids (offline pools name items by them),
   * the clock pools expire by, and where pools mined during training are kept (null: not kept).
   */
  public record Environment(long[] ids, InstantSource clock, Path poolDir) {
    public static Environment defaults(int items) {
      long[] ids = new long[items];
      for (int i = 0; i < items; i++) {
        ids[i] = i;
      }
      return new Environment(ids, InstantSource.system(), null);
    }
  }

  /**
   * @param preprocessing the feature transform, or null to fit one to {@code train}
   */
  public Trainer(TrainConfig config, LabeledData train, Preprocessing preprocessing, MinerFactory miners) {
    this(config, train, preprocessing, miners, Environment.defaults(train.size()));
  }

  /**
   * @param preprocessing the feature transform, or null to fit one to {@code train}
   * @param env ids, clock and pool directory for the negative sources
   */
  public Trainer(TrainConfig config, LabeledData train, Preprocessing preprocessing, MinerFactory miners, Environment env) {
    this.config = config;
    this.train = train;
    if (config.encoder().inputDim() != train.features().cols()) {
      throw new IllegalArgumentException("the encoder reads " + config.encoder().inputDim()
          + " features but the data has " + train.features().cols());
    }
    this.preprocessing = preprocessing != null ? preprocessing : Preprocessing.fit(train.features());
    this.trainX = this.preprocessing.apply(train.features());
    this.miners = miners;
    MoreNegatives more = config.more();
    this.sampler = more != null && more.selfSupervised()
        ? BatchSampler.shuffle(train.size(), config.seed()) // self-supervised: batches never read labels
        : more != null && more.stratifyClasses() > 0
        ? new dev.negmine.train.sampling.StratifiedSampler(train.labels(), more.groups(), more.stratifyClasses(),
            more.stratifyFromGroup(), config.seed())
        : more != null && more.siblingBatches()
        ? BatchSampler.siblings(train.labels(), Math.max(1, config.mPerClass()), more.groups(), config.seed())
        : config.mPerClass() > 0
        ? BatchSampler.mPerClass(train.labels(), config.mPerClass(), config.seed())
        : BatchSampler.shuffle(train.size(), config.seed());
    if (more != null && more.augment() != null && !train.isImage()) {
      throw new IllegalArgumentException("augmentation needs square single-channel images, but " + train.source()
          + " holds " + train.features().cols() + "-dimensional features");
    }
    this.augmenter = more == null || more.augment() == null ? null
        : dev.negmine.train.augment.ImageAugmenter.forData(more.augment(), train.features(), train.imageSide(), config.seed());
    for (Phase p : config.curriculum().phases()) {
      sampler.batchesPerEpoch(p.batchSize());
    }
    this.engine = TorchRuntime.engine();
    engine.setRandomSeed((int) (config.seed() ^ (config.seed() >>> 32)));
    this.manager = engine.newBaseManager();
    this.block = Encoders.build(config.encoder());
    block.initialize(manager, DataType.FLOAT32, new Shape(1, config.encoder().inputDim()));
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      a.setRequiresGradient(true);
      params.add(a);
    }
    this.store = new ParameterStore(manager, false);
    this.adam = new Adam(params, config.learningRate() * config.curriculum().at(0).lrScale());
    this.monitor = new BatchMonitor(miners.create("batch-hard", MinerConfig.builder().seed(config.seed()).build()));
    if (env.ids().length != train.size()) {
      throw new IllegalArgumentException(env.ids().length + " item ids for " + train.size() + " training items");
    }
    this.ids = env.ids();
    this.sources = config.sources() == null ? null : new NegativeSources(config.sources(), config.encoder(), trainX,
        train.labels(), env.ids(), config.seed(), totalSteps(), env.clock(), env.poolDir(), manager, params,
        x -> embedWith(block, manager, store, x, config.encoder().embeddingSize()), this::weights);
    if (sources != null && more != null) {
      sources.useTier(more.tier() ? new dev.negmine.train.negatives.HierarchicalTier(more.groups()) : null);
      sources.useSynthetic(more.synthetic());
    }
  }

  public TrainConfig config() {
    return config;
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** Current epoch (0-based); equals the curriculum's epoch count when training is done. */
  public int epoch() {
    return epoch;
  }

  /** Steps taken within the current epoch. */
  public int stepInEpoch() {
    return stepInEpoch;
  }

  /** Steps taken in all. */
  public long step() {
    return step;
  }

  public boolean done() {
    return epoch >= config.curriculum().epochs();
  }

  /** Steps in {@code e}. */
  public int stepsInEpoch(int e) {
    return sampler.batchesPerEpoch(config.curriculum().at(e).batchSize());
  }

  /** Total steps of the whole curriculum. */
  public long totalSteps() {
    long s = 0;
    for (int e = 0; e < config.curriculum().epochs(); e++) {
      s += stepsInEpoch(e);
    }
    return s;
  }

  /** Takes one step; returns its statistics. */
  public BatchStats trainStep() {
    if (done()) {
      throw new IllegalStateException("training is done");
    }
    Phase phase = config.curriculum().at(epoch);
    if (epochBatches == null) {
      epochBatches = sampler.epoch(epoch, phase.batchSize());
    }
    if (config.more() != null && config.more().selfSupervised()) {
      return selfSupervisedStep(phase);
    }
    int[] rows = epochBatches[stepInEpoch];
    MinerConfig mc = MinerConfig.builder().margin(phase.margin()).seed(config.seed()).build();
    Miner miner = RandomTriplets.NAME.equals(phase.miner()) ? new RandomTriplets(mc) : miners.create(phase.miner(), mc);
    TupleLoss loss = loss(phase);
    adam.learningRate(config.learningRate() * phase.lrScale());
    NegativeSources.StepPlan plan = sources == null ? null : sources.prepare(rows, step);
    if (collective != null) {
      return distributedStep(phase, rows, plan, mc, miner, loss);
    }
    long[] labels = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      labels[i] = train.labels()[rows[i]];
    }
    FloatMatrix x = trainX.gather(plan == null ? rows : plan.forwardRows());
    if (augmenter != null) {
      // supervised runs: one augmented view replaces each batch item (extra source rows stay as they are)
      FloatMatrix view = preprocessing.apply(augmenter.views(train.features().gather(rows), labels, step, 0));
      System.arraycopy(view.data(), 0, x.data(), 0, view.data().length);
    }
    BatchStats stats;
    try (NDScope scope = new NDScope()) {
      NDArray input = manager.create(x.data(), new Shape(x.rows(), x.cols()));
      int b = rows.length;
      float lossValue;
      FloatMatrix batchEmb;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray all = block.forward(store, new NDList(input), true).singletonOrThrow();
        NDArray e = plan == null ? all : all.get("0:" + b);
        FloatMatrix host = FloatMatrix.of(x.rows(), config.encoder().embeddingSize(), all.toFloatArray());
        FloatMatrix emb = plan == null ? host : host.rowRange(0, b);
        batchEmb = emb;
        MiningBatch scores = MiningBatch.self(emb, labels, null, mc);
        Triplets mined = miner.mine(scores, step);
        long stepNow = step;
        int epochNow = epoch;
        pendingStats = monitorThread.submit(
            () -> monitor.measure(stepNow, epochNow, phase.miner(), 0, phase.margin(), emb, scores, mined));
        NDArray l;
        if (plan != null) {
          l = sources.loss(plan, all, host, phase.margin(), config.reduction());
          lossValue = l.getFloat();
        } else if (loss instanceof HostGradientLoss hostLoss && scores.distance() == Distance.L2) {
          // triplet losses: value and d loss / d e on the host from the miner's own distances, then
          // back-propagated through the encoder as sum(e * G) (see HostGradientLoss)
          float[] grad = new float[emb.rows() * emb.cols()];
          lossValue = hostLoss.lossAndGradient(emb, scores.scores(), mined, grad);
          l = e.mul(manager.create(grad, e.getShape())).sum();
        } else {
          l = loss.compute(e, labels, mined);
          lossValue = l.getFloat();
        }
        gc.backward(l);
      }
      adam.step();
      if (plan != null) {
        sources.finish(plan, params, x.rowRange(0, b), batchEmb);
      }
      stats = awaitStats().withLoss(lossValue);
      scope.suppressNotUsedWarning();
    }
    advance();
    return stats;
  }

  /**
   * One data-parallel step. Every rank knows the global batch (the sampler is a pure function of
   * the seed). The forward rows are cut into {@code gradShards} contiguous virtual shards
   * ({@link Shards}) and each rank embeds its consecutive run of them, so the all-gather of the
   * embeddings and (label, id) pairs in rank order is the global batch in the single-process order,
   * and every rank mines it identically. Every rank then computes the loss of the whole global batch
   * and its gradient G with respect to the global embeddings, on the host or through the engine on
   * a constant copy; each virtual shard back-propagates sum(e_s * G_s) through the encoder on its
   * own and its parameter gradient is added in double precision; one fused all-reduce (in double)
   * sums them over ranks. The result is the gradient of the global loss: a triplet's gradient
   * reaches its anchor, positive and negative rows wherever they live (a loss over local anchors
   * alone, PML's efficient mode, loses the cross-rank part). Sums of a few float gradients in double
   * are exact, so the gradient is the same whichever rank holds which shard: with the same
   * {@code gradShards}, 1, 2 or 3 ranks train bit-identically, and every replica stays identical.
   */
  private BatchStats distributedStep(Phase phase, int[] rows, NegativeSources.StepPlan plan, MinerConfig mc,
      Miner miner, TupleLoss loss) {
    long t0 = System.nanoTime();
    CommStats comm0 = collective.stats();
    int world = collective.worldSize();
    int rank = collective.rank();
    int[] forward = plan == null ? rows : plan.forwardRows();
    int n = forward.length;
    if (n < gradShards) {
      throw new IllegalArgumentException("a global batch of " + n + " rows cannot be cut into " + gradShards + " shards");
    }
    int perRank = gradShards / world;
    int lo = Shards.start(n, rank * perRank, gradShards);
    int hi = Shards.start(n, (rank + 1) * perRank, gradShards);
    int d = config.encoder().embeddingSize();
    int b = rows.length;
    long[] meta = new long[2 * (hi - lo)];
    for (int i = lo; i < hi; i++) {
      meta[2 * (i - lo)] = train.labels()[forward[i]];
      meta[2 * (i - lo) + 1] = ids[forward[i]];
    }
    int[] rowCounts = new int[world];
    for (int r = 0; r < world; r++) {
      rowCounts[r] = Shards.start(n, (r + 1) * perRank, gradShards) - Shards.start(n, r * perRank, gradShards);
    }
    int[] metaCounts = new int[world];
    int[] embCounts = new int[world];
    for (int r = 0; r < world; r++) {
      metaCounts[r] = 2 * rowCounts[r];
      embCounts[r] = d * rowCounts[r];
    }
    long[] gathered = collective.allGather(meta, metaCounts);
    long[] labels = new long[b];
    long[] batchIds = new long[b];
    for (int i = 0; i < n; i++) {
      if (gathered[2 * i] != train.labels()[forward[i]] || gathered[2 * i + 1] != ids[forward[i]]) {
        throw new CollectiveException("step " + step + ": gathered row " + i + " is item " + gathered[2 * i + 1]
            + " but this rank expected item " + ids[forward[i]] + ": the ranks disagree on the batch (data, seed or order)");
      }
      if (i < b) {
        labels[i] = gathered[2 * i];
        batchIds[i] = gathered[2 * i + 1];
      }
    }
    BatchStats stats;
    double[] sum = new double[Math.toIntExact(adam.parameterCount())];
    try (NDScope scope = new NDScope()) {
      float lossValue;
      FloatMatrix batchEmb;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray[] local = new NDArray[perRank];
        int[] from = new int[perRank + 1];
        float[] mine = new float[(hi - lo) * d];
        for (int s = 0; s < perRank; s++) {
          from[s] = Shards.start(n, rank * perRank + s, gradShards);
          from[s + 1] = Shards.start(n, rank * perRank + s + 1, gradShards);
          FloatMatrix xs = trainX.gather(java.util.Arrays.copyOfRange(forward, from[s], from[s + 1]));
          NDArray in = manager.create(xs.data(), new Shape(xs.rows(), xs.cols()));
          local[s] = block.forward(store, new NDList(in), true).singletonOrThrow();
          float[] es = local[s].toFloatArray();
          System.arraycopy(es, 0, mine, (from[s] - lo) * d, es.length);
        }
        FloatMatrix host = FloatMatrix.of(n, d, collective.allGather(mine, embCounts));
        FloatMatrix emb = plan == null ? host : host.rowRange(0, b);
        batchEmb = emb;
        MiningBatch scores = MiningBatch.self(emb, labels, null, mc);
        Triplets mined = miner.mine(scores, step);
        lastGlobal = new GlobalBatch(batchIds, labels, mined);
        long stepNow = step;
        int epochNow = epoch;
        pendingStats = monitorThread.submit(
            () -> monitor.measure(stepNow, epochNow, phase.miner(), 0, phase.margin(), emb, scores, mined));
        float[] grad;
        if (plan == null && loss instanceof HostGradientLoss hostLoss && scores.distance() == Distance.L2) {
          grad = new float[n * d];
          lossValue = hostLoss.lossAndGradient(emb, scores.scores(), mined, grad);
        } else {
          // the loss on a constant copy of the global embeddings: its gradient there is G
          NDArray all = manager.create(host.data(), new Shape(n, d));
          all.setRequiresGradient(true);
          NDArray l = plan != null
              ? sources.loss(plan, all, host, phase.margin(), config.reduction())
              : loss.compute(all, labels, mined);
          lossValue = l.getFloat();
          gc.backward(l);
          grad = all.getGradient().toFloatArray();
        }
        for (int s = 0; s < perRank; s++) {
          float[] gs = java.util.Arrays.copyOfRange(grad, from[s] * d, from[s + 1] * d);
          gc.backward(local[s].mul(manager.create(gs, local[s].getShape())).sum());
          float[] g = adam.gradients();
          for (int k = 0; k < g.length; k++) {
            sum[k] += g[k];
          }
          adam.zeroGradients();
        }
      }
      collective.allReduceSum(sum);
      float[] total = new float[sum.length];
      for (int k = 0; k < total.length; k++) {
        total[k] = (float) sum[k];
      }
      adam.step(total);
      if (plan != null) {
        sources.finish(plan, params, trainX.gather(rows), batchEmb);
      }
      stats = awaitStats().withLoss(lossValue);
      scope.suppressNotUsedWarning();
    }
    CommStats c = collective.stats().minus(comm0);
    double wall = (System.nanoTime() - t0) / 1e9;
    lastComm = new StepComm(Math.max(0, wall - c.nanos() / 1e9), c.nanos() / 1e9, c.bytes(), world);
    advance();
    return stats;
  }

  /**
   * A SimCLR step: two augmented views of each batch item; row i and row B + i are the only
   * positives of each other, every other view a negative (labels = item positions, never the data's
   * labels); symmetric InfoNCE (NT-Xent). The monitor still measures view 0 against the data's
   * labels, for the report only.
   */
  private BatchStats selfSupervisedStep(Phase phase) {
    int[] rows = epochBatches[stepInEpoch];
    int b = rows.length;
    FloatMatrix raw = train.features().gather(rows);
    FloatMatrix v0 = preprocessing.apply(augmenter.views(raw, null, step, 0));
    FloatMatrix v1 = preprocessing.apply(augmenter.views(raw, null, step, 1));
    float[] xd = new float[2 * v0.data().length];
    System.arraycopy(v0.data(), 0, xd, 0, v0.data().length);
    System.arraycopy(v1.data(), 0, xd, v0.data().length, v1.data().length);
    long[] viewLabels = new long[2 * b];
    int[] anchors = new int[b];
    int[] positives = new int[b];
    for (int i = 0; i < b; i++) {
      viewLabels[i] = i;
      viewLabels[b + i] = i;
      anchors[i] = i;
      positives[i] = b + i;
    }
    Triplets pairs = Triplets.of(anchors, positives, positives.clone());
    long[] dataLabels = new long[b];
    for (int i = 0; i < b; i++) {
      dataLabels[i] = train.labels()[rows[i]];
    }
    MinerConfig mc = MinerConfig.builder().margin(phase.margin()).seed(config.seed()).build();
    adam.learningRate(config.learningRate() * phase.lrScale());
    BatchStats stats;
    try (NDScope scope = new NDScope()) {
      NDArray input = manager.create(xd, new Shape(2 * b, v0.cols()));
      float lossValue;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray all = block.forward(store, new NDList(input), true).singletonOrThrow();
        FloatMatrix host = FloatMatrix.of(2 * b, config.encoder().embeddingSize(), all.toFloatArray());
        FloatMatrix emb = host.rowRange(0, b);
        MiningBatch scores = MiningBatch.self(emb, dataLabels, null, mc);
        long stepNow = step;
        int epochNow = epoch;
        pendingStats = monitorThread.submit(
            () -> monitor.measure(stepNow, epochNow, "simclr", 0, phase.margin(), emb, scores, Triplets.empty()));
        NDArray l = Losses.infoNce(config.temperature(), true).compute(all, viewLabels, pairs);
        lossValue = l.getFloat();
        gc.backward(l);
      }
      adam.step();
      stats = awaitStats().withLoss(lossValue);
      scope.suppressNotUsedWarning();
    }
    advance();
    return stats;
  }

  /**
   * Makes this trainer one replica of a data-parallel job over {@code c} (call after any
   * {@link #restore}): checks that every rank has the same configuration and training data, then
   * overwrites the weights with rank 0's. Later steps shard each global batch (the configured
   * batch size is the global one) over the ranks, one virtual shard each: see
   * {@link #distributedStep}.
   */
  public void distribute(Collective c) {
    distribute(c, c.worldSize());
  }

  /**
   * {@link #distribute(Collective)} with the global batch cut into {@code gradShards} virtual
   * shards, a multiple of the world size: runs with equal {@code gradShards} give bit-identical
   * results on any world size that divides it (e.g. 6 for 1, 2, 3 or 6 ranks).
   */
  public void distribute(Collective c, int gradShards) {
    if (gradShards < 1 || gradShards % c.worldSize() != 0) {
      throw new IllegalArgumentException("gradient shards (" + gradShards + ") must be a positive multiple of the "
          + c.worldSize() + " ranks");
    }
    if (augmenter != null) {
      throw new IllegalArgumentException("augmented views (--augment, simclr) are not supported with --distributed yet");
    }
    if (sources != null && sources.config().usesPool()
        && sources.config().expiryPolicy() == dev.negmine.core.pool.ExpiryPolicy.BACKGROUND) {
      throw new IllegalArgumentException("--pool-expiry background refreshes at times that differ between ranks;"
          + " distributed training needs fail, warn or refresh");
    }
    long h = 1125899906842597L;
    for (float v : trainX.data()) {
      h = 31 * h + Float.floatToIntBits(v);
    }
    for (long v : train.labels()) {
      h = 31 * h + v;
    }
    for (long v : ids) {
      h = 31 * h + v;
    }
    h = 31 * h + config.toString().hashCode();
    h = 31 * h + step;
    long[] all = c.allGather(new long[] {h});
    for (int r = 0; r < all.length; r++) {
      if (all[r] != all[0]) {
        throw new CollectiveException("rank " + r + " has another configuration, training data or step than rank 0");
      }
    }
    float[] w = adam.weights();
    c.broadcast(w, 0);
    adam.setWeights(w);
    this.collective = c;
    this.gradShards = gradShards;
  }

  /** The current weights flattened in parameter order (a copy). */
  public float[] flatWeights() {
    return adam.weights();
  }

  /** Compute and communication of the last distributed step, or null (single process). */
  public StepComm lastStepComm() {
    return lastComm;
  }

  /** The last distributed step's gathered batch and mined tuples, or null. */
  public GlobalBatch lastGlobalBatch() {
    return lastGlobal;
  }

  private BatchStats awaitStats() {
    try {
      return pendingStats.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the step's statistics", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pendingStats = null;
    }
  }

  private void advance() {
    step++;
    stepInEpoch++;
    if (stepInEpoch >= epochBatches.length) {
      epoch++;
      stepInEpoch = 0;
      epochBatches = null;
    }
  }

  private TupleLoss loss(Phase phase) {
    return switch (config.loss()) {
      case "triplet" -> Losses.triplet(phase.margin(), false, config.reduction());
      case "soft-triplet" -> Losses.triplet(phase.margin(), true, config.reduction());
      case "contrastive" -> Losses.contrastive(0, Math.max(phase.margin(), 0.5), config.reduction());
      case "infonce" -> Losses.infoNce(config.temperature(), true);
      default -> throw new IllegalStateException("unknown loss " + config.loss());
    };
  }

  /** Embeds raw features (the preprocessing is applied here), without gradients. */
  public FloatMatrix embed(FloatMatrix raw) {
    return embedWith(block, manager, store, preprocessing.apply(raw), config.encoder().embeddingSize());
  }

  /** Embeds preprocessed features with {@code block}, without gradients, in chunks. */
  public static FloatMatrix embedWith(Block block, NDManager manager, ParameterStore store, FloatMatrix x, int dim) {
    float[] out = new float[x.rows() * dim];
    for (int s = 0; s < x.rows(); s += EMBED_CHUNK) {
      int e = Math.min(x.rows(), s + EMBED_CHUNK);
      try (NDScope scope = new NDScope()) {
        FloatMatrix part = x.rowRange(s, e);
        NDArray in = manager.create(part.data(), new Shape(e - s, x.cols()));
        float[] y = block.forward(store, new NDList(in), false).singletonOrThrow().toFloatArray();
        System.arraycopy(y, 0, out, s * dim, y.length);
        scope.suppressNotUsedWarning();
      }
    }
    return FloatMatrix.of(x.rows(), dim, out);
  }

  /** The negative sources, or null when the config has none. */
  public NegativeSources sources() {
    return sources;
  }

  /** The negative sources' checkpoint state (queue, key encoder, pool in use); empty without sources. */
  public byte[] sourcesState() throws IOException {
    if (sources == null) {
      return new byte[0];
    }
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      sources.save(out, step);
    }
    return bos.toByteArray();
  }

  /** Restores {@link #sourcesState()} (after {@link #restore}). */
  public void restoreSources(byte[] state) throws IOException {
    if (state.length == 0 || sources == null) {
      if (state.length > 0) {
        throw new IOException("the checkpoint holds negative-source state but this run has no sources");
      }
      return;
    }
    sources.restore(new DataInputStream(new java.io.ByteArrayInputStream(state)));
  }

  /** The current weights as host arrays, in parameter order. */
  private List<float[]> weights() {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : params) {
      out.add(a.toFloatArray());
    }
    return out;
  }

  /** Writes the encoder weights (DJL's parameter format). */
  public void saveWeights(DataOutputStream out) throws IOException {
    block.saveParameters(out);
  }

  /** The optimizer moments, as host arrays in parameter order (first moments, then second). */
  public List<float[]> optimizerState() {
    return adam.state();
  }

  /** Restores a checkpointed position: weights, optimizer moments and the step counters. */
  public void restore(DataInputStream weights, List<float[]> optimizer, int epoch, int stepInEpoch, long step)
      throws IOException {
    try {
      block.loadParameters(manager, weights);
    } catch (ai.djl.MalformedModelException e) {
      throw new IOException("checkpoint weights do not fit this encoder: " + e.getMessage(), e);
    }
    params.clear();
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      a.setRequiresGradient(true);
      params.add(a);
    }
    adam.rebind(params);
    adam.restore(optimizer, step);
    this.epoch = epoch;
    this.stepInEpoch = stepInEpoch;
    this.step = step;
    this.epochBatches = null;
  }

  @Override
  public void close() {
    monitorThread.shutdownNow();
    if (sources != null) {
      sources.close();
    }
    manager.close();
  }
}
