package dev.negmine.cli.train;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.data.LabeledData;
import dev.negmine.train.run.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Used by {@code negmine eval --model RUN --data PATH}: embeds labelled data with a trained model,
 * applying the model's own preprocessing. Bad input throws {@link IllegalArgumentException}.
 */
public final class ModelEval {
  private ModelEval() {}

  /** Embeddings of {@code data} (labels from {@code labels} for .npy features) under {@code model}. */
  public static Embedded embed(Path model, Path data, Path labels) throws IOException {
    LabeledData d = TrainSupport.load(data, labels);
    try (EmbeddingModel m = EmbeddingModel.load(model)) {
      return new Embedded(m.embed(d), d.labels());
    }
  }

  /** Embeddings and the labels of their items. */
  public record Embedded(FloatMatrix embeddings, long[] labels) {}
}
