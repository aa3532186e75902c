package dev.negmine.text.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The loss a configuration names, on a step's embeddings: the one call every {@link LossStep}
 * makes once it has the query and document embeddings of a {@link StepBatch} (in column order).
 * Pure: a function of its inputs.
 */
final class StepLoss {
  private StepLoss() {}

  static NDArray of(NDManager scope, FineTuneConfig.Loss loss, NDArray queries, NDArray docs, StepBatch batch) {
    return switch (loss.kind()) {
      case MNRL -> RankingLoss.loss(scope, queries, docs, batch.masked(), loss);
      case MARGIN_MSE -> {
        if (batch.teacher() == null) {
          throw new IllegalStateException("margin-MSE: the step carries no teacher scores (no guide model)");
        }
        yield MarginMseLoss.loss(scope, queries, docs, batch.teacher());
      }
    };
  }
}
