package dev.negmine.cli.text;

import dev.negmine.cli.UserInputException;
import dev.negmine.text.finetune.MiningRule;
import dev.negmine.text.mine.MiningPairs;
import dev.negmine.text.mine.OutputFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options of {@code negmine mine} over query -> corpus data, named after the parameters of
 * sentence-transformers' {@code mine_hard_negatives} (range_min -> {@code --range-min}, ...), parsed
 * and checked here; unset values take that function's defaults. {@code --max-score} and {@code
 * --seed} are shared with pool mining and passed in.
 */
public final class QueryMineOptions {
  @Option(names = "--task", paramLabel = "TASK", description = "A built-in retrieval task to mine (foldoc) instead of --data.")
  String task;

  @Option(names = "--split", description = "Judged split whose (query, positive) pairs are mined (default train).")
  String split;

  @Option(names = "--range-min", description = "Skip this many of the most similar surviving candidates (default 0).")
  Integer rangeMin;

  @Option(names = "--range-max",
      description = "Candidates considered per query (default: range-min + num-negatives x 10 + most positives with a margin or --max-score, else range-min + num-negatives + most positives).")
  Integer rangeMax;

  @Option(names = "--min-score", description = "Drop candidates less similar than this.")
  Double minScore;

  @Option(names = "--absolute-margin", description = "Drop candidates with similarity > positive - M (least similar positive).")
  Double absoluteMargin;

  @Option(names = "--relative-margin", description = "Drop candidates with similarity > positive - |positive| x M (0.05 is NV-Retriever's TopK-PercPos).")
  Double relativeMargin;

  @Option(names = "--num-negatives", description = "Negatives per query (default 3).")
  Integer numNegatives;

  @Option(names = "--sampling-strategy", description = "top (the most similar) or random (seeded by --seed); default top.")
  String sampling;

  @Option(names = "--output-format", description = "triplet, n-tuple, labeled-pair or labeled-list (default triplet).")
  String outputFormat;

  @Option(names = "--output-scores", description = "Write similarities (scores / score columns) instead of labels.")
  boolean outputScores;

  @Option(names = "--max-length", description = "Word pieces kept per text when encoding (default: the encoder's, 256 for all-minilm-l6-v2).")
  Integer maxLength;

  /** The options of this group given on the command line (for "only with query data" errors). */
  public List<String> given() {
    List<String> g = new ArrayList<>();
    Object[][] all = {{"--task", task}, {"--split", split}, {"--range-min", rangeMin}, {"--range-max", rangeMax},
        {"--min-score", minScore}, {"--absolute-margin", absoluteMargin}, {"--relative-margin", relativeMargin},
        {"--num-negatives", numNegatives}, {"--sampling-strategy", sampling}, {"--output-format", outputFormat},
        {"--max-length", maxLength}};
    for (Object[] o : all) {
      if (o[1] != null) {
        g.add((String) o[0]);
      }
    }
    if (outputScores) {
      g.add("--output-scores");
    }
    return g;
  }

  String split() {
    return split == null ? "train" : split;
  }

  OutputFormat format() {
    try {
      return OutputFormat.parse(outputFormat == null ? "triplet" : outputFormat);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
  }

  String sampling() {
    String s = sampling == null ? "top" : sampling.trim().toLowerCase(Locale.ROOT);
    if (!s.equals("top") && !s.equals("random")) {
      throw new UserInputException("--sampling-strategy must be top or random, got '" + sampling + "'");
    }
    return s;
  }

  /** Checks every value that does not need the data, so bad input fails before anything is read or encoded. */
  void validate(Double maxScore) {
    format();
    sampling();
    if (rangeMin != null && rangeMin < 0) {
      throw new UserInputException("--range-min must be >= 0, got " + rangeMin);
    }
    if (rangeMax != null && rangeMax <= (rangeMin == null ? 0 : rangeMin)) {
      throw new UserInputException("--range-max must be greater than --range-min (" + (rangeMin == null ? 0 : rangeMin) + "), got " + rangeMax);
    }
    if (numNegatives != null && numNegatives < 1) {
      throw new UserInputException("--num-negatives must be >= 1, got " + numNegatives);
    }
    finite("--min-score", minScore);
    finite("--max-score", maxScore);
    finite("--absolute-margin", absoluteMargin);
    finite("--relative-margin", relativeMargin);
    if (absoluteMargin != null && absoluteMargin < 0) {
      throw new UserInputException("--absolute-margin must be >= 0, got " + absoluteMargin);
    }
    if (relativeMargin != null && !(relativeMargin >= 0 && relativeMargin < 1)) {
      throw new UserInputException("--relative-margin must be in [0, 1), got " + relativeMargin);
    }
    if (minScore != null && maxScore != null && minScore > maxScore) {
      throw new UserInputException("--min-score " + minScore + " is above --max-score " + maxScore + ": nothing could be kept");
    }
    if (maxLength != null && maxLength < 2) {
      throw new UserInputException("--max-length must be >= 2 (two special tokens), got " + maxLength);
    }
  }

  private static void finite(String option, Double v) {
    if (v != null && !Double.isFinite(v)) {
      throw new UserInputException(option + " must be a finite number, got " + v);
    }
  }

  /** Whether {@code --range-max} was left to its data-dependent default. */
  boolean defaultRangeMax() {
    return rangeMax == null;
  }

  /** The rule, {@code range_max} defaulted from {@code pairs} as sentence-transformers does. */
  MiningRule rule(Double maxScore, MiningPairs pairs) {
    validate(maxScore);
    int min = rangeMin == null ? 0 : rangeMin;
    int n = numNegatives == null ? 3 : numNegatives;
    boolean filtered = absoluteMargin != null || relativeMargin != null || maxScore != null;
    int max = rangeMax != null ? rangeMax : pairs.defaultRangeMax(min, n, filtered);
    if (n > max - min) {
      throw new UserInputException("--num-negatives " + n + " does not fit: only " + (max - min)
          + " candidates remain between --range-min " + min + " and --range-max " + max);
    }
    return new MiningRule(min, max, nan(minScore), nan(maxScore), nan(absoluteMargin), nan(relativeMargin), n, sampling());
  }

  private static double nan(Double v) {
    return v == null ? Double.NaN : v;
  }
}
