package dev.negmine.core.pool;

import java.time.Instant;
import java.util.Map;

/**
 * The JSON side of a pool: what it is, where it came from and when it expires. Maps hold plain
 * JSON values (String, Number, Boolean, null, List, Map).
 *
 * @param formatVersion {@link PoolFiles#FORMAT_VERSION} when written by this library
 * @param lifetime when mining finished and when the pool expires
 * @param source provenance of the vectors: embeddings/checkpoint SHA-256, paths, git revision, JDK/OS, backend
 * @param index the index's provenance (kind, distance, parameters, build time)
 * @param filters the false-negative filters applied (top, exclude, max score, margins)
 * @param counts anchors, candidates, dropped anchors, filtered candidates
 * @param recall HNSW recall against exact search on a sample (1.0 for exact), NaN when not measured
 * @param payloadSha256 SHA-256 of the binary file, filled in by {@link PoolFiles#write}
 */
public record PoolManifest(
    int formatVersion,
    Lifetime lifetime,
    Map<String, Object> source,
    Map<String, Object> index,
    Map<String, Object> filters,
    Map<String, Object> counts,
    double recall,
    String payloadSha256) {
  /**
   * @param createdAt when mining finished
   * @param expiresAt createdAt + TTL; the pool is refused, refreshed or re-mined after it
   */
  public record Lifetime(Instant createdAt, Instant expiresAt) {
    public Lifetime {
      if (createdAt == null || expiresAt == null || expiresAt.isBefore(createdAt)) {
        throw new IllegalArgumentException("need createdAt <= expiresAt, got " + createdAt + " / " + expiresAt);
      }
    }
  }

  public PoolManifest {
    if (lifetime == null) {
      throw new IllegalArgumentException("the pool's lifetime must be set");
    }
    source = Map.copyOf(source);
    index = Map.copyOf(index);
    filters = Map.copyOf(filters);
    counts = Map.copyOf(counts);
  }

  public Instant createdAt() {
    return lifetime.createdAt();
  }

  public Instant expiresAt() {
    return lifetime.expiresAt();
  }

  public PoolManifest withPayloadSha256(String sha) {
    return new PoolManifest(formatVersion, lifetime, source, index, filters, counts, recall, sha);
  }
}
