package dev.negmine.text.finetune;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A run's dynamic-index source ({@code --negatives dynamic}): owns the {@link DynamicCorpus}, builds
 * it from the frozen pass (or, after a resume, from one full pass with the restored weights),
 * re-embeds its landmarks before each step with the training encoder, embeds the step's queries
 * without the graph to draw for them, and reports the encoder budget spent. Training-thread only.
 */
final class DynamicNegatives {
  private final FineTuneConfig config;
  private final TrainingQueries queries;
  private final TransformerEncoder encoder;
  private final List<String> corpusTexts;
  private final Consumer<String> phase;
  private DynamicCorpus index;
  private long embeddedQueries;

  /** @param phase announces the full pass a resumed run takes */
  DynamicNegatives(FineTuneConfig config, TrainingQueries queries, TransformerEncoder encoder, List<String> corpusTexts,
      Consumer<String> phase) {
    this.config = config;
    this.queries = queries;
    this.encoder = encoder;
    this.corpusTexts = corpusTexts;
    this.phase = phase;
  }

  /** Builds the index from {@code docs}, the corpus as the current weights embed it before step {@code step}. */
  void build(FloatMatrix docs, long step) {
    index = new DynamicCorpus(docs, queries, config.negatives().mining(), config.negatives().dynamic(), 1.0 / config.loss().scale(),
        config.seed(), step);
  }

  /** Forgets the index (the weights were restored: it is rebuilt when next needed). */
  void reset() {
    index = null;
  }

  /** Before step {@code step}: the index built if needed, then this step's landmarks re-embedded. */
  void refresh(long step) {
    if (index == null) {
      phase.accept("embedding " + corpusTexts.size() + " documents for the dynamic index");
      build(encoder.encode(corpusTexts, Role.DOCUMENT, config.maxLength()), step);
    }
    index.refresh(step, ids -> {
      List<String> part = new ArrayList<>(ids.length);
      for (int id : ids) {
        part.add(corpusTexts.get(id));
      }
      return encoder.encode(part, Role.DOCUMENT, config.maxLength());
    });
  }

  /** Up to {@code h} draws for each of the step's rows, their queries embedded once more without the graph. */
  int[][] draw(List<BatchPlan.Row> rows, List<String> queryTexts, int h, long step) {
    if (index == null) {
      refresh(step);
    }
    FloatMatrix q = encoder.encode(queryTexts, Role.QUERY, config.maxLength());
    embeddedQueries += queryTexts.size();
    return index.draw(rows.stream().mapToInt(BatchPlan.Row::query).toArray(), q, h, step);
  }

  /** The {@code metrics.jsonl} line of the index's figures after {@code done} steps (null before it is built). */
  String statsLine(long done) {
    if (index == null) {
      return null;
    }
    String residual = Double.isNaN(index.lastResidual()) ? "null" : String.format(Locale.ROOT, "%.5f", index.lastResidual());
    return String.format(Locale.ROOT, "{\"dynamic_index\": {\"step\": %d, \"landmarks\": %d, \"encoded_documents\": %d,"
        + " \"encoded_queries\": %d, \"landmark_residual\": %s, \"kept_fraction\": %.4f}}", done, index.landmarks(),
        index.encodedDocuments(), embeddedQueries, residual, index.keptFraction());
  }
}
