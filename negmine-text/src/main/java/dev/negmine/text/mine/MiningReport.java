package dev.negmine.text.mine;

import dev.negmine.text.finetune.MinedNegatives;
import dev.negmine.text.finetune.MiningRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The statistics of a mining job, as sentence-transformers' {@code mine_hard_negatives} prints them
 * (same table layout, row names, number formats and sentences, so the two outputs diff line by
 * line) and as a JSON-ready map: positive, negative and positive-minus-negative similarity
 * summaries, candidates each filter skipped, and rows missing because queries found too few
 * negatives. Immutable.
 */
public final class MiningReport {
  private final MiningRule rule;
  private final MinedNegatives mined;
  private final MinedRows rows;
  private final OutputFormat format;
  private final ScoreSummary positive;
  private final ScoreSummary negative;
  private final ScoreSummary difference;

  public MiningReport(MiningRule rule, MinedNegatives mined, MinedRows rows, OutputFormat format) {
    this.rule = rule;
    this.mined = mined;
    this.rows = rows;
    this.format = format;
    this.positive = ScoreSummary.of(rows.positiveScores());
    this.negative = ScoreSummary.of(rows.negativeScores());
    this.difference = ScoreSummary.of(rows.differences());
  }

  public ScoreSummary positive() {
    return positive;
  }

  public ScoreSummary negative() {
    return negative;
  }

  public ScoreSummary difference() {
    return difference;
  }

  /** The table and the skip and shortfall sentences, one string per printed line. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    String fmt = "%-6s %14s %14s %14s";
    out.add(String.format(Locale.ROOT, fmt, "Metric", "Positive", "Negative", "Difference"));
    out.add(String.format(Locale.ROOT, fmt, "Count", String.format(Locale.US, "%,d", positive.count()),
        String.format(Locale.US, "%,d", negative.count()), ""));
    String[] names = {"Mean", "Median", "Std", "Min", "25%", "50%", "75%", "Max"};
    double[] p = positive.tableValues();
    double[] n = negative.tableValues();
    double[] d = difference.tableValues();
    for (int i = 0; i < names.length; i++) {
      out.add(String.format(Locale.ROOT, fmt, names[i], number(p[i]), number(n[i]), number(d[i])));
    }
    mined.skipped().forEach((name, s) -> out.add(String.format(Locale.US, "Skipped %,d potential negatives (%s) due to the %s of %s.",
        s.count(), percent(s.ratio()), name, pythonFloat(s.value()))));
    long missing = rows.missing();
    if (missing > 0) {
      List<String> fixes = new ArrayList<>(List.of("range_max"));
      if (rule.rangeMin() > 0) {
        fixes.add("range_min");
      }
      if (!Double.isNaN(rule.absoluteMargin())) {
        fixes.add("absolute_margin");
      }
      if (!Double.isNaN(rule.relativeMargin())) {
        fixes.add("relative_margin");
      }
      if (!Double.isNaN(rule.maxScore())) {
        fixes.add("max_score");
      }
      String which = fixes.size() == 1 ? fixes.get(0)
          : String.join(", ", fixes.subList(0, fixes.size() - 1)) + " and " + fixes.get(fixes.size() - 1);
      out.add("Could not find enough negatives for " + missing + " samples (" + percent((double) missing / rows.maximumPossible())
          + "). Consider adjusting the " + which + " parameter" + (fixes.size() > 1 ? "s" : "")
          + " if you'd like to find more valid negatives.");
    }
    return out;
  }

  /** Everything in {@link #lines()} as numbers, plus the options and row counts. */
  public Map<String, Object> toMap() {
    Map<String, Object> o = new LinkedHashMap<>();
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("range_min", rule.rangeMin());
    opts.put("range_max", rule.rangeMax());
    opts.put("min_score", nullable(rule.minScore()));
    opts.put("max_score", nullable(rule.maxScore()));
    opts.put("absolute_margin", nullable(rule.absoluteMargin()));
    opts.put("relative_margin", nullable(rule.relativeMargin()));
    opts.put("num_negatives", rule.count());
    opts.put("sampling_strategy", rule.sampling());
    opts.put("output_format", format.stName());
    o.put("options", opts);
    o.put("queries", mined.queries());
    o.put("rows", rows.rows().size());
    o.put("maximum_possible_rows", rows.maximumPossible());
    o.put("missing_rows", rows.missing());
    o.put("missing_ratio", rows.maximumPossible() == 0 ? 0.0 : (double) rows.missing() / rows.maximumPossible());
    o.put("positive", positive.toMap());
    o.put("negative", negative.toMap());
    o.put("difference", difference.toMap());
    Map<String, Object> skipped = new LinkedHashMap<>();
    mined.skipped().forEach((name, s) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("value", s.value());
      m.put("skipped", s.count());
      m.put("ratio", s.ratio());
      skipped.put(name, m);
    });
    o.put("skipped", skipped);
    return o;
  }

  private static Object nullable(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** Python's {@code f"{x:.4f}"}: nan, inf and -inf spelled as Python spells them. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /** Python's {@code f"{x:.2%}"}. */
  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
  }

  /** Python's {@code str(float)} for the usual parameter values (0.05, 1.0). */
  static String pythonFloat(double v) {
    return Double.toString(v);
  }
}
