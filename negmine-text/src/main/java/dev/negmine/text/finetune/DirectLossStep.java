package dev.negmine.text.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TokenBatch;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.train.engine.TorchRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain step: queries in one forward, documents in length-bucketed chunks of about
 * {@link #DOC_CHUNK_TOKENS} padded tokens, all with the graph kept, then the loss and one backward
 * pass. Memory grows with the whole batch's activations.
 */
final class DirectLossStep implements LossStep {
  /** Padded tokens per forward chunk of a step's documents: chunks of similar length waste little on padding. */
  static final long DOC_CHUNK_TOKENS = 4096;

  private final FineTuneConfig config;
  private final DropoutMode dropout;

  /** The training step: dropout on. */
  DirectLossStep(FineTuneConfig config) {
    this(config, DropoutMode.ON);
  }

  DirectLossStep(FineTuneConfig config, DropoutMode dropout) {
    this.config = config;
    this.dropout = dropout;
  }

  /** The batch's constant columns as an array of {@code scope} (no gradient). */
  static NDArray constants(NDManager scope, StepBatch batch) {
    FloatMatrix k = batch.constants();
    return scope.create(k.data(), new ai.djl.ndarray.types.Shape(k.rows(), k.cols()));
  }

  @Override
  public Result run(TransformerEncoder encoder, StepBatch batch) {
    try (NDManager scope = encoder.manager().newSubManager();
        GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
      TokenBatch qb = encoder.tokenize(encoder.withPrompt(batch.queryTexts(), Role.QUERY), config.maxLength());
      NDArray q = encoder.forward(scope, qb, dropout.training());
      long tokens = qb.tokens();
      List<String> prompted = encoder.withPrompt(batch.docTexts(), Role.DOCUMENT);
      int[][] chunks = encoder.buckets(prompted, prompted.size(), DOC_CHUNK_TOKENS);
      NDList parts = new NDList();
      int[] order = new int[prompted.size()];
      int o = 0;
      for (int[] chunk : chunks) {
        List<String> part = new ArrayList<>(chunk.length);
        for (int i : chunk) {
          part.add(prompted.get(i));
          order[o++] = i;
        }
        TokenBatch db = encoder.tokenize(part, config.maxLength());
        tokens += db.tokens();
        parts.add(encoder.forward(scope, db, dropout.training()));
      }
      // rows back into batch order: position of each document column in the concatenation
      long[] inverse = new long[order.length];
      for (int i = 0; i < order.length; i++) {
        inverse[order[i]] = i;
      }
      NDArray docs = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
      docs = docs.get(scope.create(inverse));
      float[] live = docs.toFloatArray();
      NDArray all = batch.constants().rows() == 0 ? docs : docs.concat(constants(scope, batch), 0);
      NDArray loss = StepLoss.of(scope, config.loss(), q, all, batch);
      gc.backward(loss);
      return new Result(loss.getFloat(), tokens, live);
    }
  }
}
