package dev.negmine.index;

import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.TopK;

/**
 * An index that can answer the whole-corpus job at once: every corpus row as a query against the
 * corpus. Knowing all queries up front lets it share work between them (one block product per
 * block of rows instead of one search per row); offline mining uses it when the index offers it.
 */
public interface SelfJoinIndex extends VectorIndex {
  /**
   * For every corpus row {@code q}, its {@code k} best rows among those {@code filter} accepts as
   * {@code (q, row)}, under the {@link VectorIndex} result contract (row numbers, best first, ties
   * by row, -1 / NaN padding). Exact indexes return exactly {@code search(vectors(), k, filter)}.
   * Thread-safe; uses the index's threads.
   */
  TopK selfJoin(int k, PairFilter filter);
}
