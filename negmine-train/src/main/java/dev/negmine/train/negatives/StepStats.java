package dev.negmine.train.negatives;

import dev.negmine.core.mixer.MixPlan;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.mixer.SourceStats;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** A step's per-source figures as the metrics line reports them (see {@link SourceListener#onSourceStats}). */
final class StepStats {
  private StepStats() {}

  /**
   * {@code sources}: per source name its count, planned slots, mean similarity, active fraction,
   * loss share and suspected false negatives; {@code mix}: the step's planned shares; then each
   * source's own figures (queue fill, dynamic index counters).
   */
  static Map<String, Object> summary(SourceStats stats, MixPlan mix, Collection<CandidateSource> sources, long step) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> per = new LinkedHashMap<>();
    for (var e : stats.summary().entrySet()) {
      SourceStats.Summary s = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("count", s.count());
      m.put("planned", mix.count(e.getKey()));
      m.put("mean_similarity", s.meanSimilarity());
      m.put("active_fraction", s.activeFraction());
      m.put("loss_share", s.lossShare());
      m.put("suspected_false_negatives", s.suspectedFalseNegatives());
      per.put(MixSpec.name(e.getKey()), m);
    }
    out.put("sources", per);
    Map<String, Double> ratios = new LinkedHashMap<>();
    for (NegativeSource s : NegativeSource.values()) {
      ratios.put(MixSpec.name(s), mix.ratios().share(s));
    }
    out.put("mix", ratios);
    for (CandidateSource s : sources) {
      out.putAll(s.stats(step));
    }
    return out;
  }

  /** The synthetic negatives' figures as one more entry of the step's {@code sources}. */
  @SuppressWarnings("unchecked")
  static void addSynthetic(Map<String, Object> out, SourceStats synthStats, double realLoss, double synthLoss) {
    Map<String, Object> per = (Map<String, Object>) out.get("sources");
    SourceStats.Summary s = synthStats.summary().get(NegativeSource.IN_BATCH);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", s == null ? 0 : s.count());
    m.put("planned", 0);
    m.put("mean_similarity", s == null ? Double.NaN : s.meanSimilarity());
    m.put("active_fraction", s == null ? 0.0 : s.activeFraction());
    m.put("loss_share", realLoss + synthLoss == 0 ? Double.NaN : synthLoss / (realLoss + synthLoss));
    m.put("suspected_false_negatives", s == null ? 0 : s.suspectedFalseNegatives());
    per.put("synthetic", m);
  }
}
