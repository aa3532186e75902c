package dev.negmine.train.step;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import dev.negmine.train.MinerFactory;
import dev.negmine.train.RandomTriplets;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.Trainer;
import dev.negmine.train.curriculum.Phase;
import dev.negmine.train.engine.Adam;
import dev.negmine.train.loss.HostGradientLoss;
import dev.negmine.train.loss.Losses;
import dev.negmine.train.loss.TupleLoss;
import dev.negmine.train.monitor.BatchMonitor;
import dev.negmine.train.monitor.BatchStats;
import dev.negmine.train.negatives.NegativeSources;
import dev.negmine.train.negatives.StepRequest;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one training step, whatever runs it: the sources plan their extra rows, {@link StepViews}
 * builds the encoder input, the {@link StepExecution} runs the forward pass (here or sharded over
 * replicas), the phase's miner mines the batch, the loss is taken (the negative sources' tuples
 * under any {@link dev.negmine.train.loss.SourceLoss}, the miner's tuples under the configured
 * {@link TupleLoss}, or SimCLR's view pairs under symmetric InfoNCE), the execution turns it into
 * gradients and applies the optimizer, and the sources finish (momentum update, enqueue).
 *
 * <p>The monitor's host-side statistics of a step (hardest loss, effective rank...) run on a second
 * thread while the engine runs backward and the optimizer on this one; they are joined before the
 * step returns, so steps stay strictly sequential. Training-thread only.
 */
public final class TrainingStep implements AutoCloseable {
  private final TrainConfig config;
  private final MinerFactory miners;
  private final BatchMonitor monitor;
  private final StepViews views;
  private final NegativeSources sources;
  private final Engine engine;
  private final ExecutorService monitorThread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "negmine-monitor");
    t.setDaemon(true);
    return t;
  });
  private boolean recordGlobal;
  private Trainer.GlobalBatch lastGlobal;

  /**
   * @param sources the run's negative sources, or null for the miner alone
   */
  public TrainingStep(TrainConfig config, MinerFactory miners, BatchMonitor monitor, StepViews views,
      NegativeSources sources, Engine engine) {
    this.config = config;
    this.miners = miners;
    this.monitor = monitor;
    this.views = views;
    this.sources = sources;
    this.engine = engine;
  }

  /** Keep each step's batch and mined tuples for {@link #lastGlobalBatch()} (data-parallel checks). */
  public void recordGlobalBatches(boolean on) {
    this.recordGlobal = on;
  }

  /** The last step's batch ids, labels and mined tuples when recorded, else null. */
  public Trainer.GlobalBatch lastGlobalBatch() {
    return lastGlobal;
  }

  /** Runs one step on the batch {@code rows} and returns its statistics (loss included). */
  public BatchStats run(StepExecution execution, Adam adam, int[] rows, Phase phase, int epoch, long step) {
    MinerConfig mc = MinerConfig.builder().margin(phase.margin()).seed(config.seed()).build();
    StepRequest plan = sources == null || views.selfSupervised() ? null : sources.prepare(rows, step);
    StepInput in = views.inputs(rows, plan == null ? rows : plan.forwardRows(), step);
    int b = in.batch();
    float lossValue = Float.NaN;
    Future<BatchStats> stats;
    FloatMatrix emb;
    try (GradientCollector gc = engine.newGradientCollector()) {
      Encoded enc = execution.forward(gc, in.x(), in.rowLabels(), in.rowIds(), step);
      emb = enc.host().rows() == b ? enc.host() : enc.host().rowRange(0, b);
      MiningBatch scores = MiningBatch.self(emb, in.batchLabels(), mc);
      Triplets mined = in.selfSupervised() ? Triplets.empty() : miner(phase, mc).mine(scores, step);
      if (recordGlobal) {
        lastGlobal = new Trainer.GlobalBatch(Arrays.copyOf(in.rowIds(), b), in.batchLabels(), mined);
      }
      FloatMatrix measured = emb;
      String minerName = in.selfSupervised() ? "simclr" : phase.miner();
      stats = monitorThread.submit(() -> monitor.measure(step, epoch, minerName, 0, phase.margin(), measured, scores, mined));
      NDArray loss = null;
      float[] hostGradient = null;
      TupleLoss tupleLoss = tupleLoss(phase);
      if (in.selfSupervised()) {
        loss = Losses.infoNce(config.temperature(), true).compute(enc.graph(), in.lossLabels(), in.pairs());
      } else if (plan != null) {
        loss = sources.loss(plan, enc.graph(), enc.host(), phase.margin(), Losses.forSources(config, phase.margin()));
      } else if (tupleLoss instanceof HostGradientLoss hostLoss && scores.distance() == Distance.L2) {
        // triplet losses: value and d loss / d e on the host from the miner's own distances
        hostGradient = new float[emb.rows() * emb.cols()];
        lossValue = hostLoss.lossAndGradient(emb, scores.scores(), mined, hostGradient);
      } else {
        loss = tupleLoss.compute(enc.graph(), in.lossLabels(), mined);
      }
      if (loss != null) {
        lossValue = loss.getFloat();
      }
      execution.backward(gc, enc, loss, hostGradient);
    }
    execution.update(adam);
    if (plan != null) {
      sources.finish(plan, in.x().rowRange(0, b), emb);
    }
    return await(stats).withLoss(lossValue);
  }

  private Miner miner(Phase phase, MinerConfig mc) {
    return RandomTriplets.NAME.equals(phase.miner()) ? new RandomTriplets(mc) : miners.create(phase.miner(), mc);
  }

  /** The loss over the miner's tuples, by the configured name. */
  private TupleLoss tupleLoss(Phase phase) {
    return switch (config.loss()) {
      case TRIPLET -> Losses.triplet(phase.margin(), false, config.reduction());
      case SOFT_TRIPLET -> Losses.triplet(phase.margin(), true, config.reduction());
      case CONTRASTIVE -> Losses.contrastive(0, Math.max(phase.margin(), 0.5), config.reduction());
      case INFONCE -> Losses.infoNce(config.temperature(), true);
    };
  }

  private static BatchStats await(Future<BatchStats> pending) {
    try {
      return pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the step's statistics", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    monitorThread.shutdownNow();
  }
}
