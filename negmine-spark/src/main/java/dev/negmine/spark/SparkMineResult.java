package dev.negmine.spark;

import dev.negmine.core.pool.PoolManifest;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link SparkMineJob} run wrote and how long each stage took.
 *
 * @param manifest the pool's manifest as written
 * @param out where it was written
 * @param timing wall and CPU seconds per stage and in all
 * @param badRows rows refused (non-finite or extreme values)
 * @param rows input rows, bad ones included
 * @param shards corpus shards the job used
 * @param master the Spark master it ran on
 */
public record SparkMineResult(PoolManifest manifest, Path out, Timing timing, BadRows.Report badRows, long rows,
    int shards, String master) {
  /**
   * Where the job's time went.
   *
   * @param stageSeconds wall seconds per stage, in order (read, shard, index, positives, query,
   *     [recall,] write)
   * @param totalSeconds wall seconds of the whole job (session start excluded)
   * @param stageCpuSeconds CPU seconds of the driver JVM per stage: in local mode the whole job's
   *     work (executors run in the driver JVM), on a cluster only the driver's share
   */
  public record Timing(Map<String, Double> stageSeconds, double totalSeconds, Map<String, Double> stageCpuSeconds) {
    public Timing {
      stageSeconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stageSeconds));
      stageCpuSeconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stageCpuSeconds));
    }
  }

  public Map<String, Double> stageSeconds() {
    return timing.stageSeconds();
  }

  public double totalSeconds() {
    return timing.totalSeconds();
  }

  public Map<String, Double> stageCpuSeconds() {
    return timing.stageCpuSeconds();
  }
}
