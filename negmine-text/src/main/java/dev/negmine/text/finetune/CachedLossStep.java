package dev.negmine.text.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.CollectiveException;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TokenBatch;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.train.distributed.Shards;
import dev.negmine.train.engine.TorchRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gradient caching (Gao et al. 2021, GradCache; sentence-transformers'
 * {@code CachedMultipleNegativesRankingLoss}): the step's texts are embedded in mini-batches of at
 * most {@link FineTuneConfig.Loss#cacheBatch} texts without the graph; the ranking loss over the
 * whole batch is differentiated with respect to those embeddings only; then each mini-batch is
 * embedded again with the graph and its rows of that cached gradient are back-propagated, PyTorch
 * adding the mini-batches' contributions into each parameter's gradient (a {@code .grad}
 * accumulates over backward calls until {@code AdamW} zeroes it). By the chain rule, split at the
 * embeddings, the parameters get the uncached loss's gradient. Memory: one mini-batch's
 * activations plus the {@code [B + C, d]} embeddings and the {@code [B, C]} logits, whatever B;
 * compute: one more forward pass per text (and the backward of the uncached step).
 *
 * <p>Dropout: both forwards of a mini-batch start PyTorch's generator from the same seed, so they
 * draw the same masks and the back-propagated gradient belongs to the embeddings the loss saw. The
 * seeds are drawn from the generator when the step starts ({@link FineTuneRun} seeds it per step),
 * so a run stays a function of its seed and step; they are not the uncached step's draws, so with
 * dropout on the two steps are alike in distribution, not equal.
 *
 * <p>Data parallel ({@code collective.worldSize() > 1}): every rank holds the global
 * {@link StepBatch} (a function of seed and step) and embeds its contiguous share of the queries
 * and of the document columns ({@link Shards}). The all-gather of the shares in rank order is the
 * global batch; every rank takes the loss of all of it (the mean over the global queries) and
 * back-propagates its own rows; one all-reduce then sums the trainable parameters' gradients, so
 * each rank ends with the global loss's gradient, as one process holding the whole batch would.
 * The ranks' generators must be seeded alike.
 *
 * <p>Graphs are recorded under PyTorch's grad mode, which is per thread, instead of a DJL
 * {@code GradientCollector} (one per process at a time), so ranks may also be threads of one
 * process. One thread per instance.
 */
final class CachedLossStep implements LossStep {
  private final FineTuneConfig config;
  private final int miniBatch;
  private final Collective collective;
  private final DropoutMode dropout;

  /**
   * One forward pass of the step: texts of one role, tokenised once for both passes.
   *
   * @param rows positions of the texts in this rank's share of the queries (or of the documents)
   * @param seed PyTorch generator seed before each of its forwards (unused with dropout off)
   */
  record Piece(Role role, int[] rows, TokenBatch tokens, int seed) {}

  /**
   * @param config the run's configuration; {@code config.loss().cacheBatch()} texts per forward (>= 1)
   * @param collective the data-parallel group ({@code Collectives.local()} for one process)
   */
  CachedLossStep(FineTuneConfig config, Collective collective, DropoutMode dropout) {
    if (config.loss().cacheBatch() < 1) {
      throw new IllegalArgumentException("gradient caching needs --cache-batch >= 1, got " + config.loss().cacheBatch());
    }
    this.config = config;
    this.miniBatch = config.loss().cacheBatch();
    this.collective = collective;
    this.dropout = dropout;
  }

  @Override
  public Result run(TransformerEncoder encoder, StepBatch batch) {
    int world = collective.worldSize();
    int rank = collective.rank();
    int b = batch.queries();
    int c = batch.columns();
    if (b < world) {
      throw new IllegalArgumentException("a step of " + b + " queries cannot give each of " + world + " ranks one");
    }
    int dim = encoder.dimension();
    int q0 = Shards.start(b, rank, world);
    int d0 = Shards.start(c, rank, world);
    checkSameBatch(batch, d0, Shards.start(c, rank + 1, world));
    boolean gradMode = JniUtils.isGradMode();
    try (NDManager step = encoder.manager().newSubManager()) {
      List<Piece> pieces = plan(encoder, batch, rank, world, dropout.training() ? seedBase(step) : 0);
      float[] qMine = new float[(Shards.start(b, rank + 1, world) - q0) * dim];
      float[] dMine = new float[(Shards.start(c, rank + 1, world) - d0) * dim];
      JniUtils.setGradMode(false);
      for (Piece p : pieces) {
        try (NDManager scope = step.newSubManager()) {
          float[] e = forward(encoder, scope, p).toFloatArray();
          float[] into = p.role() == Role.QUERY ? qMine : dMine;
          for (int j = 0; j < p.rows().length; j++) {
            System.arraycopy(e, j * dim, into, p.rows()[j] * dim, dim);
          }
        }
      }
      float[] qAll = collective.allGather(qMine, counts(b, world, dim));
      float[] dAll = collective.allGather(dMine, counts(c, world, dim));
      JniUtils.setGradMode(true);
      double loss;
      float[] gq;
      float[] gd;
      try (NDManager scope = step.newSubManager()) {
        NDArray q = leaf(scope, qAll, b, dim);
        NDArray d = leaf(scope, dAll, c, dim);
        // the queue's constant columns join the loss but take no gradient
        NDArray all = batch.constants().rows() == 0 ? d : d.concat(DirectLossStep.constants(scope, batch), 0);
        NDArray l = StepLoss.of(scope, config.loss(), q, all, batch);
        backward(l, l.onesLike());
        loss = l.getFloat();
        gq = q.getGradient().toFloatArray();
        gd = d.getGradient().toFloatArray();
      }
      long tokens = 0;
      for (Piece p : pieces) {
        try (NDManager scope = step.newSubManager()) {
          NDArray e = forward(encoder, scope, p);
          float[] g = new float[p.rows().length * dim];
          float[] from = p.role() == Role.QUERY ? gq : gd;
          int offset = p.role() == Role.QUERY ? q0 : d0;
          for (int j = 0; j < p.rows().length; j++) {
            System.arraycopy(from, (offset + p.rows()[j]) * dim, g, j * dim, dim);
          }
          backward(e, scope.create(g, e.getShape()));
          tokens += p.tokens().tokens();
        }
      }
      if (world > 1) {
        sumOverRanks(encoder);
      }
      return new Result(loss, tokens, dAll);
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  /**
   * This rank's forward passes: its share of the queries, then of the documents, each cut into
   * length buckets of at most {@code miniBatch} texts (similar lengths waste little on padding;
   * padding does not change an embedding). Piece {@code k} of rank {@code r} is seeded from
   * {@code base}, {@code r} and {@code k}.
   */
  List<Piece> plan(TransformerEncoder encoder, StepBatch batch, int rank, int world, long base) {
    List<Piece> out = new ArrayList<>();
    int b = batch.queries();
    int c = batch.columns();
    add(out, encoder, Role.QUERY, batch.queryTexts().subList(Shards.start(b, rank, world), Shards.start(b, rank + 1, world)), rank, base);
    add(out, encoder, Role.DOCUMENT, batch.docTexts().subList(Shards.start(c, rank, world), Shards.start(c, rank + 1, world)), rank, base);
    return out;
  }

  private void add(List<Piece> out, TransformerEncoder encoder, Role role, List<String> texts, int rank, long base) {
    List<String> prompted = encoder.withPrompt(texts, role);
    for (int[] bucket : encoder.buckets(prompted, miniBatch, Long.MAX_VALUE)) {
      List<String> part = new ArrayList<>(bucket.length);
      for (int i : bucket) {
        part.add(prompted.get(i));
      }
      int seed = (int) ((base * 31 + rank) * 1_000_003L + out.size());
      out.add(new Piece(role, bucket, encoder.tokenize(part, config.maxLength()), seed));
    }
  }

  /** A seed base drawn from PyTorch's generator: a function of the generator's state at the step's start. */
  static long seedBase(NDManager scope) {
    return scope.randomInteger(0, Integer.MAX_VALUE, new Shape(1), DataType.INT64).toLongArray()[0];
  }

  private NDArray forward(TransformerEncoder encoder, NDManager scope, Piece p) {
    if (dropout.training()) {
      TorchRuntime.engine().setRandomSeed(p.seed());
    }
    return encoder.forward(scope, p.tokens(), dropout.training());
  }

  private static NDArray leaf(NDManager scope, float[] data, int rows, int dim) {
    NDArray a = scope.create(data, new Shape(rows, dim));
    a.setRequiresGradient(true);
    return a;
  }

  /** Back-propagates {@code grad} (d(loss)/d(out)) from {@code out} into the leaves it was computed from. */
  private static void backward(NDArray out, NDArray grad) {
    JniUtils.backward((PtNDArray) out, (PtNDArray) grad, false, false);
  }

  private static int[] counts(int n, int world, int dim) {
    int[] counts = new int[world];
    for (int r = 0; r < world; r++) {
      counts[r] = dim * (Shards.start(n, r + 1, world) - Shards.start(n, r, world));
    }
    return counts;
  }

  /** Ranks assemble the global batch themselves: a cheap exchange of document rows catches a disagreement. */
  private void checkSameBatch(StepBatch batch, int d0, int d1) {
    if (collective.worldSize() == 1) {
      return;
    }
    long[] mine = new long[d1 - d0];
    for (int i = d0; i < d1; i++) {
      mine[i - d0] = batch.docRows()[i];
    }
    int[] counts = counts(batch.columns(), collective.worldSize(), 1);
    long[] all = collective.allGather(mine, counts);
    for (int i = 0; i < all.length; i++) {
      if (all[i] != batch.docRows()[i]) {
        throw new CollectiveException("document column " + i + " is corpus row " + all[i] + " on its rank but "
            + batch.docRows()[i] + " here: the ranks disagree on the batch (data, seed or order)");
      }
    }
  }

  /** Replaces each trainable parameter's gradient by its sum over the ranks (one fused all-reduce). */
  private void sumOverRanks(TransformerEncoder encoder) {
    FineTuneConfig.Schedule s = config.schedule();
    List<Parameter> params = encoder.trainableParameters(s.freezeEmbeddings(), s.frozenLayers());
    long total = 0;
    for (Parameter p : params) {
      total += p.getArray().size();
    }
    float[] flat = new float[Math.toIntExact(total)];
    int at = 0;
    for (Parameter p : params) {
      try (NDArray g = p.getArray().getGradient()) {
        float[] v = g.toFloatArray();
        System.arraycopy(v, 0, flat, at, v.length);
        at += v.length;
      }
    }
    collective.allReduceSum(flat);
    at = 0;
    for (Parameter p : params) {
      try (NDManager scope = encoder.manager().newSubManager(); NDArray g = p.getArray().getGradient()) {
        int n = Math.toIntExact(g.size());
        // in place, so the parameter's own gradient changes (NDArray.set would point the handle at Java memory);
        // a non-finite local gradient made the sum non-finite anyway
        g.muli(0f).addi(scope.create(Arrays.copyOfRange(flat, at, at + n), g.getShape()));
        at += n;
      }
    }
  }
}
