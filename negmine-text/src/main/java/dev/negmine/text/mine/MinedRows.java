package dev.negmine.text.mine;

import dev.negmine.text.finetune.MinedNegatives;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output dataset of a mining job in one {@link OutputFormat}, with sentence-transformers'
 * column names ({@code anchor}, {@code positive}, {@code negative} / {@code negative_1..n}, {@code
 * label(s)} or, with scores, {@code score(s)}) and the score lists its statistics are computed
 * over: negatives and differences are counted once per (anchor, positive) pair they are paired
 * with, as that library does. Immutable after construction; rows are maps in column order.
 */
public final class MinedRows {
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final double[] positive;
  private final List<Double> negative = new ArrayList<>();
  private final List<Double> difference = new ArrayList<>();
  private final long maximumPossible;

  /**
   * @param pairs the anchors and their positives the negatives were mined for
   * @param mined the negatives, one entry per anchor of {@code pairs}
   * @param scores whether rows carry similarities instead of labels
   */
  public MinedRows(MiningPairs pairs, MinedNegatives mined, OutputFormat format, boolean scores) {
    if (mined.queries() != pairs.anchors().size()) {
      throw new IllegalArgumentException(mined.queries() + " mined queries for " + pairs.anchors().size() + " anchors");
    }
    List<String> texts = pairs.corpusTexts();
    int n = mined.requested();
    List<Double> pos = new ArrayList<>();
    for (int q = 0; q < mined.queries(); q++) {
      String anchor = pairs.anchors().get(q);
      int[] negs = mined.negatives()[q];
      float[] ns = mined.negativeScores()[q];
      int[] positives = pairs.positives()[q];
      for (int j = 0; j < positives.length; j++) {
        double ps = mined.positiveScores()[q][j];
        pos.add(ps);
        String positive = texts.get(positives[j]);
        boolean pairCounts = format != OutputFormat.N_TUPLE || negs.length == n;
        if (pairCounts) {
          for (float s : ns) {
            negative.add((double) s);
            difference.add(ps - s);
          }
        }
        switch (format) {
          case TRIPLET -> {
            for (int i = 0; i < negs.length; i++) {
              Map<String, Object> r = row(anchor, positive);
              r.put("negative", texts.get(negs[i]));
              if (scores) {
                r.put("scores", List.of(ps, (double) ns[i]));
              }
              rows.add(r);
            }
          }
          case N_TUPLE -> {
            if (negs.length == n) {
              Map<String, Object> r = row(anchor, positive);
              for (int i = 0; i < n; i++) {
                r.put("negative_" + (i + 1), texts.get(negs[i]));
              }
              if (scores) {
                r.put("scores", withFirst(ps, ns));
              }
              rows.add(r);
            }
          }
          case LABELED_LIST -> {
            if (negs.length > 0) {
              List<String> docs = new ArrayList<>();
              docs.add(positive);
              List<Object> labels = new ArrayList<>();
              labels.add(1);
              for (int neg : negs) {
                docs.add(texts.get(neg));
                labels.add(0);
              }
              Map<String, Object> r = row(anchor, null);
              r.put("positive", docs);
              r.put(scores ? "scores" : "labels", scores ? withFirst(ps, ns) : labels);
              rows.add(r);
            }
          }
          case LABELED_PAIR -> {
            Map<String, Object> r = row(anchor, positive);
            r.put(scores ? "score" : "label", scores ? (Object) ps : (Object) 1);
            rows.add(r);
          }
        }
      }
      if (format == OutputFormat.LABELED_PAIR) {
        for (int i = 0; i < negs.length; i++) {
          Map<String, Object> r = row(anchor, texts.get(negs[i]));
          r.put(scores ? "score" : "label", scores ? (Object) (double) ns[i] : (Object) 0);
          rows.add(r);
        }
      }
    }
    positive = pos.stream().mapToDouble(Double::doubleValue).toArray();
    // what sentence-transformers counts as the rows it could have produced
    maximumPossible = switch (format) {
      case TRIPLET -> (long) positive.length * n;
      case N_TUPLE, LABELED_LIST -> positive.length;
      case LABELED_PAIR -> (long) mined.queries() * n + pairs.pairRows();
    };
  }

  private static Map<String, Object> row(String anchor, String positive) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("anchor", anchor);
    if (positive != null) {
      r.put("positive", positive);
    }
    return r;
  }

  private static List<Double> withFirst(double first, float[] rest) {
    List<Double> out = new ArrayList<>(rest.length + 1);
    out.add(first);
    for (float f : rest) {
      out.add((double) f);
    }
    return out;
  }

  public List<Map<String, Object>> rows() {
    return rows;
  }

  /** Similarity of every (anchor, positive) pair. */
  public double[] positiveScores() {
    return positive.clone();
  }

  /** Similarity of every negative, once per (anchor, positive) pair of a written row it belongs to. */
  public double[] negativeScores() {
    return negative.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Positive minus negative similarity, aligned with {@link #negativeScores()}. */
  public double[] differences() {
    return difference.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Rows the format could have held had every anchor found every negative. */
  public long maximumPossible() {
    return maximumPossible;
  }

  /** Rows short of {@link #maximumPossible()}: sentence-transformers' "could not find enough negatives" count. */
  public long missing() {
    return Math.max(0, maximumPossible - rows.size());
  }
}
