package dev.negmine.core.linalg;

/**
 * Receives one block of a score matrix at a time, so that a caller needing only a reduction (top-k,
 * hardest negative, counts) never holds the full matrix.
 *
 * <p>{@code block} is row-major with {@code colEnd - colStart} columns; entry (i, j) of the block is
 * the score between row {@code rowStart + i} of the queries and row {@code colStart + j} of the
 * keys. The array is owned by the kernel and reused after {@code accept} returns: copy what you
 * keep. Calls for different row ranges may arrive concurrently from several threads; calls for the
 * same row range arrive in increasing {@code colStart} order from one thread.
 */
@FunctionalInterface
public interface BlockVisitor {
  void accept(int rowStart, int rowEnd, int colStart, int colEnd, float[] block);
}
