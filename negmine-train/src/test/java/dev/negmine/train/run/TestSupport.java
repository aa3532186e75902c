package dev.negmine.train.run;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.metrics.RetrievalConfig;
import dev.negmine.core.metrics.RetrievalMetrics;
import dev.negmine.core.metrics.RetrievalResult;
import dev.negmine.core.mining.Miners;
import dev.negmine.train.Evaluator;
import dev.negmine.train.MinerFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** The real miners and metrics of negmine-core, wired as the CLI wires them. */
final class TestSupport {
  static final MinerFactory MINERS = Miners::create;
  static final Evaluator METRICS = (e, labels) -> {
    RetrievalResult r = RetrievalMetrics.evaluate(e, labels, RetrievalConfig.defaults().withDistance(Distance.COSINE));
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("map_at_r", r.mapAtR());
    m.put("p_at_1", r.precisionAt1());
    return m;
  };

  private TestSupport() {}
}
