package dev.negmine.index;

/**
 * Inverted-file settings: the corpus is cut into {@code lists} k-means partitions; a query scans
 * the {@code probes} partitions nearest to it ({@link VectorIndex#search}) or, in the batch
 * self-join, the {@code probes} partitions nearest to its own partition's centre.
 *
 * @param lists partitions; 0 = about the square root of the corpus size
 * @param probes partitions scanned per query (clamped to the lists); more means better recall
 * @param iterations k-means (Lloyd) iterations on the training sample
 * @param seed seed of the training sample and the initial centres; the index is reproducible
 * @param threads threads of the build and of the self-join
 */
public record IvfParams(int lists, int probes, int iterations, long seed, int threads) {
  public IvfParams {
    if (lists < 0 || probes < 1 || iterations < 1 || threads < 1) {
      throw new IllegalArgumentException("ivf needs lists >= 0 (0 = auto), probes >= 1, iterations >= 1 and threads >= 1;"
          + " got lists " + lists + ", probes " + probes + ", iterations " + iterations + ", threads " + threads);
    }
  }

  /** Auto lists, 24 probes, 8 iterations, seed 42, one thread per processor. */
  public static IvfParams defaults() {
    return new IvfParams(0, 24, 8, 42, Runtime.getRuntime().availableProcessors());
  }

  public IvfParams withProbes(int p) {
    return new IvfParams(lists, p, iterations, seed, threads);
  }

  /** The partition count for a corpus of {@code n} rows: {@code lists}, or about sqrt(n) when 0. */
  int listsFor(int n) {
    int l = lists > 0 ? lists : (int) Math.round(Math.sqrt(n));
    return Math.max(1, Math.min(n, l));
  }
}
