package dev.negmine.text.finetune;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import java.util.List;

/**
 * The guide of GISTEmbed: a frozen pretrained encoder's embeddings of the training queries (with
 * its query prompt, as bge's instruction) and of the corpus, computed once per run (and kept
 * across runs of one process by {@link FrozenCorpus}) at the training length, then read on the
 * host each step. Its cosines mask false negatives out of the ranking loss and are the teacher
 * scores of margin-MSE. A step costs {@code B * C} dot products; the model itself is closed once
 * the embeddings are taken. Immutable after {@link #embed}; safe to read from any thread.
 */
final class GuideModel {
  private final FineTuneConfig.Guide config;
  private final FloatMatrix queries;
  private final FloatMatrix docs;

  GuideModel(FineTuneConfig.Guide config, FloatMatrix queries, FloatMatrix docs) {
    if (queries.cols() != docs.cols()) {
      throw new IllegalArgumentException("guide: query width " + queries.cols() + ", document width " + docs.cols());
    }
    this.config = config;
    this.queries = queries;
    this.docs = docs;
  }

  /**
   * Opens {@code config.model()}, embeds {@code queryTexts} (row = training query index) and
   * {@code corpusTexts} (row = corpus row) with its own prompts, truncated to {@code maxLength},
   * and closes it. {@code onPass} is told before a pass the cache does not hold.
   */
  static GuideModel embed(FineTuneConfig.Guide config, List<String> queryTexts, List<String> corpusTexts, int maxLength,
      java.util.function.Consumer<String> onPass) {
    try (TransformerEncoder g = TransformerEncoder.pretrained(config.model())) {
      FloatMatrix d = FrozenCorpus.embed(g, corpusTexts, Role.DOCUMENT, maxLength,
          () -> onPass.accept("embedding " + corpusTexts.size() + " documents with the guide model " + config.model()));
      FloatMatrix q = FrozenCorpus.embed(g, queryTexts, Role.QUERY, maxLength,
          () -> onPass.accept("embedding " + queryTexts.size() + " training queries with the guide model " + config.model()));
      return new GuideModel(config, q, d);
    }
  }

  FloatMatrix queries() {
    return queries;
  }

  FloatMatrix docs() {
    return docs;
  }

  /** Row-major {@code [B, C]} guide cosines of training queries {@code query[i]} and corpus rows {@code docRows[c]}. */
  float[] scores(int[] query, int[] docRows) {
    int c = docRows.length;
    float[] out = new float[query.length * c];
    for (int i = 0; i < query.length; i++) {
      for (int k = 0; k < c; k++) {
        out[i * c + k] = Similarities.score(queries, query[i], docs, docRows[k], Distance.DOT);
      }
    }
    return out;
  }

  /**
   * Adds the guide's false negatives to {@code masked} (in place) and counts the pairs it masked
   * that were not masked already, split into in-batch columns ({@code < b}) and the rest (hard negatives, queued documents).
   */
  FineTuneListener.MaskCounts apply(float[] scores, int b, boolean[] masked) {
    boolean[] mine = mask(scores, b, masked.length / b, config.margin(), config.strategy());
    int inBatch = 0;
    int hard = 0;
    for (int k = 0; k < masked.length; k++) {
      if (mine[k] && !masked[k]) {
        masked[k] = true;
        if (k % (masked.length / b) < b) {
          inBatch++;
        } else {
          hard++;
        }
      }
    }
    return new FineTuneListener.MaskCounts(inBatch, hard);
  }

  /**
   * sentence-transformers' {@code GISTEmbedLoss} rule on guide cosines {@code g}: true where
   * {@code c != i} and {@code g[i][c] > g[i][i] - margin} (absolute) or
   * {@code > g[i][i] - |g[i][i]| * margin} (relative). Column {@code i} (query {@code i}'s own
   * positive) is never masked.
   *
   * @param g row-major {@code [b, c]}, column {@code i < b} query {@code i}'s positive
   */
  static boolean[] mask(float[] g, int b, int c, double margin, FineTuneConfig.MarginStrategy strategy) {
    if (g.length != b * c || c < b) {
      throw new IllegalArgumentException("guide scores of " + g.length + " for " + b + " x " + c);
    }
    boolean[] out = new boolean[g.length];
    for (int i = 0; i < b; i++) {
      double pos = g[i * c + i];
      double bar = strategy == FineTuneConfig.MarginStrategy.RELATIVE ? pos - Math.abs(pos) * margin : pos - margin;
      for (int k = 0; k < c; k++) {
        out[i * c + k] = k != i && g[i * c + k] > bar;
      }
    }
    return out;
  }
}
