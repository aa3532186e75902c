package dev.negmine.core.linalg;

/**
 * Decides whether key row {@code key} may be a result for query row {@code query} (e.g. "another
 * label, another id"). Called from several threads at once: implementations must be stateless or
 * thread-safe.
 */
@FunctionalInterface
public interface PairFilter {
  boolean accept(int query, int key);
}
