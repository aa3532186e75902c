package dev.negmine.spark;

import dev.negmine.core.linalg.Distance;
import dev.negmine.index.VectorIndexes;
import dev.negmine.index.HnswParams;
import dev.negmine.index.VectorIndex;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Recall of the sharded HNSW search against exact search, on the anchors {@code negmine mine}
 * samples (seeded, {@code sample} distinct rows; bad rows among them are skipped): the share of
 * the exact top-{@code fetch} rows (with the same filters) that the merged HNSW results contain.
 */
final class Recall {
  private Recall() {}

  static double measure(JavaSparkContext jsc, JavaRDD<Item> items, JavaRDD<Shard> shards, long rows, int sample,
      long seed, String jobId, String kind, Distance d, HnswParams params, int ivfProbes, int fetch, boolean exclLabel,
      boolean exclId) {
    int s = (int) Math.min(sample, rows);
    if (s == 0) {
      return Double.NaN;
    }
    // the sample negmine mine draws (row numbers as int), so both measure on the same anchors
    long[] picked = rows <= Integer.MAX_VALUE
        ? new SplittableRandom(seed).ints(0, (int) rows).distinct().limit(s).asLongStream().toArray()
        : new SplittableRandom(seed).longs(0, rows).distinct().limit(s).toArray();
    Set<Long> set = new HashSet<>();
    for (long r : picked) {
      set.add(r);
    }
    Broadcast<Set<Long>> wanted = jsc.broadcast(set);
    List<Item> q = items.filter(i -> i.isGood() && wanted.value().contains(i.row)).collect();
    if (q.isEmpty()) {
      return Double.NaN;
    }
    List<Item> sorted = q.stream().sorted((a, b) -> Long.compare(a.row, b.row)).toList();
    int n = sorted.size();
    int dim = sorted.get(0).vector.length;
    long[] qr = new long[n];
    long[] qi = new long[n];
    long[] ql = new long[n];
    float[] data = new float[n * dim];
    for (int i = 0; i < n; i++) {
      Item it = sorted.get(i);
      qr[i] = it.row;
      qi[i] = it.id;
      ql[i] = it.label;
      System.arraycopy(it.vector, 0, data, i * dim, dim);
    }
    SparkMineJob.AnchorBlock block = new SparkMineJob.AnchorBlock(-1, qr, qi, ql, dim, data);
    Broadcast<SparkMineJob.AnchorBlock> bq = jsc.broadcast(block);
    boolean sim = d.isSimilarity();
    int m = params.m();
    int efc = params.efConstruction();
    int ef = params.ef();
    long hseed = params.seed();
    List<Tuple2<Partial, Partial>> parts = shards.map(sh -> {
      if (sh.size() == 0) {
        Partial e = Partial.empty(bq.value().rows(), fetch, sim);
        return new Tuple2<>(e, e);
      }
      VectorIndex approx = sh.index(jobId, kind, d, new HnswParams(m, efc, ef, hseed, 1), ivfProbes);
      VectorIndex exact = VectorIndexes.exact(sh.vectors(), sh.ids, d);
      return new Tuple2<>(SparkMineJob.search(approx, sh, bq.value(), fetch, sim, exclLabel, exclId),
          SparkMineJob.search(exact, sh, bq.value(), fetch, sim, exclLabel, exclId));
    }).collect();
    Partial a = parts.get(0)._1();
    Partial e = parts.get(0)._2();
    for (int i = 1; i < parts.size(); i++) {
      a = Partial.merge(a, parts.get(i)._1());
      e = Partial.merge(e, parts.get(i)._2());
    }
    long hit = 0;
    long total = 0;
    for (int x = 0; x < n; x++) {
      Set<Long> found = new HashSet<>();
      for (int r = 0; r < fetch; r++) {
        found.add(a.rows[x * fetch + r]);
      }
      for (int r = 0; r < fetch; r++) {
        long row = e.rows[x * fetch + r];
        if (row >= 0) {
          total++;
          if (found.contains(row)) {
            hit++;
          }
        }
      }
    }
    wanted.destroy();
    bq.destroy();
    return total == 0 ? 1.0 : (double) hit / total;
  }
}
