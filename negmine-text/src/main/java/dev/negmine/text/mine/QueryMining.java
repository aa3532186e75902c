package dev.negmine.text.mine;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.index.VectorIndex;
import dev.negmine.text.finetune.HardNegativeMiner;
import dev.negmine.text.finetune.MinedNegatives;
import dev.negmine.text.finetune.MiningRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One query -> corpus mining job, sentence-transformers' {@code mine_hard_negatives} on negmine:
 * embed the distinct anchors and the distinct corpus texts (each once), normalise the rows (the
 * similarity is cosine), select negatives ({@link HardNegativeMiner}), lay out the rows ({@link
 * MinedRows}) and summarise them ({@link MiningReport}). The encoders are called on the calling
 * thread, once each.
 */
public final class QueryMining {
  private QueryMining() {}

  /** The job's parts: what was chosen, the rows to write, the statistics. */
  public record Result(MiningPairs pairs, MinedNegatives mined, MinedRows rows, MiningReport report) {}

  /**
   * @param encodeQueries embeds anchor texts (with the query prompt, if the encoder has one)
   * @param encodeDocuments embeds corpus texts
   * @param index search index over the corpus ({@code null}: exact search)
   */
  public static Result run(MiningPairs pairs, Function<List<String>, FloatMatrix> encodeQueries,
      Function<List<String>, FloatMatrix> encodeDocuments, MiningRule rule, OutputFormat format, boolean scores,
      Function<FloatMatrix, VectorIndex> index, long seed) {
    FloatMatrix q = Similarities.normalizeRows(encodeQueries.apply(pairs.anchors()));
    FloatMatrix docs = Similarities.normalizeRows(embedDistinct(pairs, encodeDocuments));
    MinedNegatives mined = HardNegativeMiner.select(q, docs, pairs.positives(), pairs.textGroup(), pairs.maxPositives(), rule,
        index, seed);
    MinedRows rows = new MinedRows(pairs, mined, format, scores);
    return new Result(pairs, mined, rows, new MiningReport(rule, mined, rows, format));
  }

  /** Every corpus row's embedding, each distinct text encoded once. */
  private static FloatMatrix embedDistinct(MiningPairs pairs, Function<List<String>, FloatMatrix> encode) {
    int[] group = pairs.textGroup();
    int groups = Arrays.stream(group).max().orElse(-1) + 1;
    List<String> distinct = new ArrayList<>(groups);
    for (int d = 0; d < group.length; d++) {
      if (group[d] == distinct.size()) {
        distinct.add(pairs.corpusTexts().get(d));
      }
    }
    FloatMatrix e = encode.apply(distinct);
    return e.gather(group);
  }
}
