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
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.train.augment.ImageAugmenter;
import dev.negmine.train.curriculum.Phase;
import dev.negmine.core.data.LabeledData;
import dev.negmine.train.data.Preprocessing;
import dev.negmine.core.distributed.Collective;
import dev.negmine.train.engine.Adam;
import dev.negmine.train.engine.TorchRuntime;
import dev.negmine.train.model.Encoders;
import dev.negmine.train.monitor.BatchMonitor;
import dev.negmine.train.monitor.BatchStats;
import dev.negmine.train.negatives.HierarchicalTier;
import dev.negmine.train.negatives.NegativeSources;
import dev.negmine.train.sampling.BatchSampler;
import dev.negmine.train.step.LocalExecution;
import dev.negmine.train.step.ReplicaExecution;
import dev.negmine.train.step.StepExecution;
import dev.negmine.train.step.StepViews;
import dev.negmine.train.step.TrainingStep;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains an encoder on labelled items: batches from the run's sampler, then one
 * {@link TrainingStep} per batch (views, forward, mining and negative sources, loss, backward,
 * optimizer), in this process or as one replica of a data-parallel job. Owns native memory: close
 * it. Single-threaded; not thread-safe.
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
  private final BatchSampler sampler;
  private final NDManager manager;
  private final Block block;
  private final ParameterStore store;
  private final List<NDArray> params = new ArrayList<>();
  private final Adam adam;
  private final Engine engine;
  /** Item id per training row. */
  private final long[] ids;
  /** Negative sources beyond the batch miner, or null. */
  private final NegativeSources sources;
  private final StepViews views;
  private final TrainingStep stepper;
  private StepExecution execution;

  private int epoch;
  private int stepInEpoch;
  private long step;
  private int[][] epochBatches;

  /**
   * The last distributed step's gathered batch, in rank order, and the tuples mined on it: the
   * candidates every anchor saw (for checks and tests).
   */
  public record GlobalBatch(long[] ids, long[] labels, dev.negmine.core.mining.Triplets mined) {}

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
      return withoutPoolDir(ids, InstantSource.system());
    }

    /** Pools mined during training are kept in memory only. */
    public static Environment withoutPoolDir(long[] ids, InstantSource clock) {
      return new Environment(ids, clock, null);
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
    if (env.ids().length != train.size()) {
      throw new IllegalArgumentException(env.ids().length + " item ids for " + train.size() + " training items");
    }
    this.ids = env.ids();
    this.preprocessing = preprocessing != null ? preprocessing : Preprocessing.fit(train.features());
    this.trainX = this.preprocessing.apply(train.features());
    MoreNegatives more = config.more();
    this.sampler = BatchSampler.forRun(train.labels(), config.mPerClass(), more, config.seed());
    if (more != null && more.augment() != null && !train.isImage()) {
      throw new IllegalArgumentException("augmentation needs square single-channel images, but " + train.source()
          + " holds " + train.features().cols() + "-dimensional features");
    }
    ImageAugmenter augmenter = more == null || more.augment() == null ? null
        : ImageAugmenter.forData(more.augment(), train.features(), train.imageSide(), config.seed());
    this.views = new StepViews(train, trainX, ids, this.preprocessing, augmenter, more != null && more.selfSupervised());
    for (Phase p : config.curriculum().phases()) {
      sampler.batchesPerEpoch(p.batchSize());
    }
    this.engine = TorchRuntime.engine();
    engine.setRandomSeed((int) (config.seed() ^ (config.seed() >>> 32)));
    this.manager = engine.newBaseManager();
    this.block = Encoders.build(config.encoder());
    block.initialize(manager, DataType.FLOAT32, new Shape(1, config.encoder().inputDim()));
    bindParameters();
    this.store = new ParameterStore(manager, false);
    this.adam = new Adam(params, config.learningRate() * config.curriculum().at(0).lrScale());
    BatchMonitor monitor = new BatchMonitor(miners.create("batch-hard", MinerConfig.builder().seed(config.seed()).build()));
    this.sources = config.sources() == null ? null : new NegativeSources(config.sources(), config.encoder(), trainX,
        train.labels(), env.ids(), config.seed(), totalSteps(), env.clock(), env.poolDir(), manager, params,
        x -> embedWith(block, manager, store, x, config.encoder().embeddingSize()), this::weights);
    if (sources != null && more != null) {
      sources.useTier(more.tier() ? new HierarchicalTier(more.groups()) : null);
      sources.useSynthetic(more.synthetic());
    }
    this.stepper = new TrainingStep(config, miners, monitor, views, sources, engine);
    this.execution = new LocalExecution(block, manager, store, config.encoder().embeddingSize());
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
    adam.learningRate(config.learningRate() * phase.lrScale());
    BatchStats stats;
    try (NDScope scope = new NDScope()) {
      stats = stepper.run(execution, adam, epochBatches[stepInEpoch], phase, epoch, step);
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
   * {@link ReplicaExecution}.
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
    if (views.augments()) {
      throw new IllegalArgumentException("augmented views (--augment, simclr) are not supported with --distributed yet");
    }
    if (sources != null && sources.config().usesPool()
        && sources.config().expiryPolicy() == dev.negmine.core.pool.ExpiryPolicy.BACKGROUND) {
      throw new IllegalArgumentException("--pool-expiry background refreshes at times that differ between ranks;"
          + " distributed training needs fail, warn or refresh");
    }
    ReplicaExecution replica = new ReplicaExecution(c, gradShards, block, manager, store, adam,
        config.encoder().embeddingSize());
    ReplicaCheck.agree(c, trainX, train.labels(), ids, config, step);
    float[] w = adam.weights();
    c.broadcast(w, 0);
    adam.setWeights(w);
    this.execution = replica;
    stepper.recordGlobalBatches(true);
  }

  /** The current weights flattened in parameter order (a copy). */
  public float[] flatWeights() {
    return adam.weights();
  }

  /** Compute and communication of the last distributed step, or null (single process). */
  public ReplicaExecution.StepComm lastStepComm() {
    return execution instanceof ReplicaExecution r ? r.lastComm() : null;
  }

  /** The last distributed step's gathered batch and mined tuples, or null. */
  public GlobalBatch lastGlobalBatch() {
    return stepper.lastGlobalBatch();
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
    bindParameters();
    adam.rebind(params);
    adam.restore(optimizer, step);
    this.epoch = epoch;
    this.stepInEpoch = stepInEpoch;
    this.step = step;
    this.epochBatches = null;
  }

  /** (Re)collects the block's parameter arrays into {@link #params}, in place (sources keep the list). */
  private void bindParameters() {
    params.clear();
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      a.setRequiresGradient(true);
      params.add(a);
    }
  }

  @Override
  public void close() {
    stepper.close();
    if (sources != null) {
      sources.close();
    }
    manager.close();
  }
}
