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
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import dev.negmine.train.curriculum.Phase;
import dev.negmine.train.data.LabeledData;
import dev.negmine.train.data.Preprocessing;
import dev.negmine.train.engine.Adam;
import dev.negmine.train.engine.TorchRuntime;
import dev.negmine.train.loss.HostGradientLoss;
import dev.negmine.train.loss.Losses;
import dev.negmine.train.loss.TupleLoss;
import dev.negmine.train.model.Encoders;
import dev.negmine.train.monitor.BatchMonitor;
import dev.negmine.train.monitor.BatchStats;
import dev.negmine.train.sampling.BatchSampler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import dev.negmine.train.negatives.NegativeSources;
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
    long[] labels = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      labels[i] = train.labels()[rows[i]];
    }
    NegativeSources.StepPlan plan = sources == null ? null : sources.prepare(rows, step);
    FloatMatrix x = trainX.gather(plan == null ? rows : plan.forwardRows());
    if (augmenter != null) {
      // supervised runs: one augmented view replaces each batch item (extra source rows stay as they are)
      FloatMatrix view = preprocessing.apply(augmenter.views(train.features().gather(rows), labels, step, 0));
      System.arraycopy(view.data(), 0, x.data(), 0, view.data().length);
    }
    MinerConfig mc = MinerConfig.builder().margin(phase.margin()).seed(config.seed()).build();
    Miner miner = RandomTriplets.NAME.equals(phase.miner()) ? new RandomTriplets(mc) : miners.create(phase.miner(), mc);
    TupleLoss loss = loss(phase);
    adam.learningRate(config.learningRate() * phase.lrScale());
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
