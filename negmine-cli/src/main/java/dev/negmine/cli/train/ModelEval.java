package dev.negmine.cli.train;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.data.LabeledData;
import dev.negmine.train.run.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Hook for {@code negmine eval --model RUN --data PATH}: embeds labelled data with a trained model
 * (its own preprocessing) and returns the cosine retrieval metrics ({@code map_at_r}, {@code p_at_1},
 * {@code r_precision}, {@code mrr}). Bad input throws {@link IllegalArgumentException}.
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

  public static Map<String, Double> evaluate(Path model, Path data, Path labels) throws IOException {
    Embedded e = embed(model, data, labels);
    return TrainSupport.EVALUATOR.evaluate(e.embeddings(), e.labels());
  }

  /** Embeddings and the labels of their items. */
  public record Embedded(FloatMatrix embeddings, long[] labels) {}
}
