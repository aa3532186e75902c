package dev.negmine.spark;

import dev.negmine.core.pool.PoolManifest;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link SparkMineJob} run wrote and how long each stage took.
 *
 * @param manifest the pool's manifest as written
 * @param stageSeconds wall seconds per stage, in order (read, shard, index, positives, query,
 *     [recall,] write)
 * @param totalSeconds wall seconds of the whole job (session start excluded)
 * @param rows input rows, bad ones included
 * @param stageCpuSeconds CPU seconds of the driver JVM per stage: in local mode the whole job's
 *     work (executors run in the driver JVM), on a cluster only the driver's share
 */
public record SparkMineResult(PoolManifest manifest, Path out, Map<String, Double> stageSeconds, double totalSeconds,
    BadRows.Report badRows, long rows, int shards, String master, Map<String, Double> stageCpuSeconds) {
  public SparkMineResult {
    stageSeconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stageSeconds));
    stageCpuSeconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stageCpuSeconds));
  }
}
