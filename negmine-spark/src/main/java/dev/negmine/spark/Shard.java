package dev.negmine.spark;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.index.HnswParams;
import dev.negmine.index.VectorIndex;
import dev.negmine.index.VectorIndexes;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One corpus shard: a contiguous range of global rows (good rows only), in row order. Serializable,
 * so Spark can cache it and ship it; its index is built on the executor that needs it and kept in
 * an executor-wide cache keyed by job and shard, so it is built once per executor, not per task.
 */
final class Shard implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, VectorIndex> INDEXES = new ConcurrentHashMap<>();

  final int shard;
  final long[] rows;
  final long[] ids;
  final long[] labels;
  final int dim;
  final float[] data;

  Shard(int shard, long[] rows, long[] ids, long[] labels, int dim, float[] data) {
    this.shard = shard;
    this.rows = rows;
    this.ids = ids;
    this.labels = labels;
    this.dim = dim;
    this.data = data;
  }

  int size() {
    return rows.length;
  }

  FloatMatrix vectors() {
    return FloatMatrix.of(rows.length, dim, data);
  }

  /** This shard's index, built by the calling thread on first use in this JVM (ids are the shard's). */
  VectorIndex index(String jobId, String kind, Distance d, HnswParams params, int ivfProbes) {
    String key = jobId + "/" + shard;
    VectorIndex built = INDEXES.get(key);
    if (built == null) {
      // built outside the map's locks; two tasks racing on one shard (speculation) both build and
      // the first stored wins, which is equal to the other for exact and for 1-thread HNSW
      VectorIndex fresh = VectorIndexes.build(kind, vectors(), ids, d, params, ivfProbes);
      built = INDEXES.putIfAbsent(key, fresh);
      if (built == null) {
        built = fresh;
      }
    }
    return built;
  }

  /** True when this JVM already holds the index. */
  boolean indexed(String jobId) {
    return INDEXES.containsKey(jobId + "/" + shard);
  }

  /** Drops a job's indexes from this JVM's cache (the driver's, in local mode). */
  static void release(String jobId) {
    INDEXES.keySet().removeIf(k -> k.startsWith(jobId + "/"));
  }
}
