package dev.negmine.train.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.CollectiveException;
import dev.negmine.core.distributed.CommStats;
import dev.negmine.train.distributed.Shards;
import dev.negmine.train.engine.Adam;
import java.util.Arrays;

/**
 * One replica of a data-parallel job. Every rank knows the global batch (the sampler is a pure
 * function of the seed). The forward rows are cut into {@code gradShards} contiguous virtual shards
 * ({@link Shards}) and each rank embeds its consecutive run of them, so the all-gather of the
 * embeddings and (label, id) pairs in rank order is the global batch in the single-process order,
 * and every rank mines it identically. Every rank then computes the loss of the whole global batch
 * and its gradient G with respect to the global embeddings, on the host or through the engine on a
 * constant copy; each virtual shard back-propagates sum(e_s * G_s) through the encoder on its own
 * and its parameter gradient is added in double precision; one fused all-reduce (in double) sums
 * them over ranks. The result is the gradient of the global loss: a triplet's gradient reaches its
 * anchor, positive and negative rows wherever they live (a loss over local anchors alone, PML's
 * efficient mode, loses the cross-rank part). Sums of a few float gradients in double are exact,
 * so the gradient is the same whichever rank holds which shard: with the same {@code gradShards},
 * 1, 2 or 3 ranks train bit-identically, and every replica stays identical.
 */
public final class ReplicaExecution implements StepExecution {
  private final Collective collective;
  private final int gradShards;
  private final Block block;
  private final NDManager manager;
  private final ParameterStore store;
  private final Adam adam;
  private final int dim;
  private NDArray[] local;
  private int[] from;
  private double[] sum;
  private long t0;
  private CommStats comm0;
  private StepComm last;

  /**
   * Compute against communication in the last step.
   *
   * @param computeSeconds the step's wall time outside collectives
   * @param commSeconds time inside collectives (waiting for slower ranks included)
   * @param bytes bytes moved into this rank (see {@link CommStats})
   * @param worldSize ranks
   */
  public record StepComm(double computeSeconds, double commSeconds, long bytes, int worldSize) {}

  public ReplicaExecution(Collective collective, int gradShards, Block block, NDManager manager, ParameterStore store,
      Adam adam, int dim) {
    if (gradShards < 1 || gradShards % collective.worldSize() != 0) {
      throw new IllegalArgumentException("gradient shards (" + gradShards + ") must be a positive multiple of the "
          + collective.worldSize() + " ranks");
    }
    this.collective = collective;
    this.gradShards = gradShards;
    this.block = block;
    this.manager = manager;
    this.store = store;
    this.adam = adam;
    this.dim = dim;
  }

  /** Compute and communication of the last step, or null before the first. */
  public StepComm lastComm() {
    return last;
  }

  @Override
  public Encoded forward(GradientCollector gc, FloatMatrix x, long[] rowLabels, long[] rowIds, long step) {
    t0 = System.nanoTime();
    comm0 = collective.stats();
    int world = collective.worldSize();
    int rank = collective.rank();
    int n = x.rows();
    if (n < gradShards) {
      throw new IllegalArgumentException("a global batch of " + n + " rows cannot be cut into " + gradShards + " shards");
    }
    int perRank = gradShards / world;
    int lo = Shards.start(n, rank * perRank, gradShards);
    int hi = Shards.start(n, (rank + 1) * perRank, gradShards);
    long[] meta = new long[2 * (hi - lo)];
    for (int i = lo; i < hi; i++) {
      meta[2 * (i - lo)] = rowLabels[i];
      meta[2 * (i - lo) + 1] = rowIds[i];
    }
    int[] metaCounts = new int[world];
    int[] embCounts = new int[world];
    for (int r = 0; r < world; r++) {
      int rows = Shards.start(n, (r + 1) * perRank, gradShards) - Shards.start(n, r * perRank, gradShards);
      metaCounts[r] = 2 * rows;
      embCounts[r] = dim * rows;
    }
    long[] gathered = collective.allGather(meta, metaCounts);
    for (int i = 0; i < n; i++) {
      if (gathered[2 * i] != rowLabels[i] || gathered[2 * i + 1] != rowIds[i]) {
        throw new CollectiveException("step " + step + ": gathered row " + i + " is item " + gathered[2 * i + 1]
            + " but this rank expected item " + rowIds[i] + ": the ranks disagree on the batch (data, seed or order)");
      }
    }
    local = new NDArray[perRank];
    from = new int[perRank + 1];
    float[] mine = new float[(hi - lo) * dim];
    for (int s = 0; s < perRank; s++) {
      from[s] = Shards.start(n, rank * perRank + s, gradShards);
      from[s + 1] = Shards.start(n, rank * perRank + s + 1, gradShards);
      FloatMatrix xs = x.rowRange(from[s], from[s + 1]);
      NDArray in = manager.create(xs.data(), new Shape(xs.rows(), xs.cols()));
      local[s] = block.forward(store, new NDList(in), true).singletonOrThrow();
      float[] es = local[s].toFloatArray();
      System.arraycopy(es, 0, mine, (from[s] - lo) * dim, es.length);
    }
    FloatMatrix host = FloatMatrix.of(n, dim, collective.allGather(mine, embCounts));
    // the loss is taken on a constant copy of the global embeddings: its gradient there is G
    NDArray all = manager.create(host.data(), new Shape(n, dim));
    all.setRequiresGradient(true);
    return new Encoded(host, all);
  }

  @Override
  public void backward(GradientCollector gc, Encoded encoded, NDArray loss, float[] hostGradient) {
    float[] grad = hostGradient;
    if (loss != null) {
      gc.backward(loss);
      grad = encoded.graph().getGradient().toFloatArray();
    }
    sum = new double[Math.toIntExact(adam.parameterCount())];
    for (int s = 0; s < local.length; s++) {
      float[] gs = Arrays.copyOfRange(grad, from[s] * dim, from[s + 1] * dim);
      gc.backward(local[s].mul(manager.create(gs, local[s].getShape())).sum());
      float[] g = adam.gradients();
      for (int k = 0; k < g.length; k++) {
        sum[k] += g[k];
      }
      adam.zeroGradients();
    }
  }

  @Override
  public void update(Adam optimizer) {
    collective.allReduceSum(sum);
    float[] total = new float[sum.length];
    for (int k = 0; k < total.length; k++) {
      total[k] = (float) sum[k];
    }
    optimizer.step(total);
    CommStats c = collective.stats().minus(comm0);
    double wall = (System.nanoTime() - t0) / 1e9;
    last = new StepComm(Math.max(0, wall - c.nanos() / 1e9), c.nanos() / 1e9, c.bytes(), collective.worldSize());
    local = null;
    sum = null;
  }
}
