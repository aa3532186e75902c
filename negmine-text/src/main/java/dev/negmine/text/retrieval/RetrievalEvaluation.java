package dev.negmine.text.retrieval;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Frozen-or-trained evaluation of a retrieval split: embed the split's judged queries and the whole
 * corpus (documents as title + " " + text), rank exactly ({@link ExactRetrieval}), score with
 * {@link IrMetrics}. The encoders are functions so that any model (and its query / document
 * prompts) plugs in. Single-threaded apart from what the encoders and kernels do inside.
 */
public final class RetrievalEvaluation {
  private RetrievalEvaluation() {}

  /**
   * @param queryEncoder texts -> unit-length rows, with the model's query prompt
   * @param documentEncoder texts -> unit-length rows, with the model's document prompt
   */
  public static IrMetrics.Result evaluate(RetrievalData data, String split, Function<List<String>, FloatMatrix> queryEncoder,
      Function<List<String>, FloatMatrix> documentEncoder) {
    Map<String, Map<String, Integer>> qrels = data.qrels(split);
    List<String> qids = new ArrayList<>(qrels.keySet());
    List<String> qtexts = qids.stream().map(id -> data.queries().get(id)).toList();
    List<String> dids = data.corpus().stream().map(Document::id).toList();
    List<String> dtexts = data.corpus().stream().map(Document::embeddingText).toList();
    FloatMatrix q = queryEncoder.apply(qtexts);
    FloatMatrix d = documentEncoder.apply(dtexts);
    return IrMetrics.evaluate(qrels, ExactRetrieval.rank(qids, q, dids, d, ExactRetrieval.DEPTH));
  }

  /**
   * As {@link #evaluate(RetrievalData, String, Function, Function)} for judgments {@code qrels}
   * (any subset of the queries) against corpus embeddings computed already ({@code docs}, one row
   * per corpus document in order): evaluating several splits, or the model that mined, costs one
   * corpus pass.
   */
  public static IrMetrics.Result evaluate(RetrievalData data, Map<String, Map<String, Integer>> qrels,
      Function<List<String>, FloatMatrix> queryEncoder, FloatMatrix docs) {
    List<String> qids = new ArrayList<>(qrels.keySet());
    List<String> qtexts = qids.stream().map(id -> data.queries().get(id)).toList();
    List<String> dids = data.corpus().stream().map(Document::id).toList();
    FloatMatrix q = queryEncoder.apply(qtexts);
    return IrMetrics.evaluate(qrels, ExactRetrieval.rank(qids, q, dids, docs, ExactRetrieval.DEPTH));
  }
}
