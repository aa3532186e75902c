package dev.negmine.index;

/**
 * Inverted-file settings: the corpus is cut into {@code lists} k-means partitions; a query scans
 * the {@code probes} partitions nearest to it.
 *
 * @param lists partitions; 0 = about 8 sqrt(n), at least 64 rows each (see {@link #listsFor})
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

  /**
   * Auto lists, 24 probes, 4 k-means iterations (the Spark 1M job: 8 spent a third of the index
   * stage), seed 42, one thread per processor.
   */
  public static IvfParams defaults() {
    return new IvfParams(0, 24, 4, 42, Runtime.getRuntime().availableProcessors());
  }

  public IvfParams withProbes(int p) {
    return new IvfParams(lists, p, iterations, seed, threads);
  }

  /**
   * The partition count for a corpus of {@code n} rows: {@code lists}, or when 0 about 8 sqrt(n)
   * (faiss's guidance is 4 to 16 sqrt(n)) but at most n / 64, so small corpora keep partitions
   * worth a block product. Measured on 200k x 64 unit vectors in 2,000 clusters, top 10 of another
   * cluster, 16 probes (docs/offline-mining-speed.md): sqrt(n) = 447 lists found 0.68 of the neighbours, 2,000 lists 0.93 —
   * coarse partitions mix clusters and their centres stop pointing at the rows near a query.
   */
  int listsFor(int n) {
    int l = lists > 0 ? lists : (int) Math.min(Math.round(8 * Math.sqrt(n)), n / 64);
    return Math.max(1, Math.min(n, l));
  }
}
