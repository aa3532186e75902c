package dev.negmine.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.io.Npy;
import dev.negmine.core.io.NpyHeader;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.model.Embedder;
import dev.negmine.core.model.Embedders;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Stage 1: reads the corpus into {@link Item}s with global row numbers, checks every row, and (with
 * a model) encodes the features on the executors in blocks of {@link #ENCODE_BLOCK} rows aligned to
 * row numbers, the chunking {@code negmine mine --model} uses, so embeddings come out bit-identical.
 */
final class CorpusReader {
  /** Rows per forward pass; equal to the trainer's embedding chunk. */
  static final int ENCODE_BLOCK = 1024;

  private CorpusReader() {}

  /** The checked rows (good and bad) and the length of their vectors (embeddings, after encoding). */
  record Read(JavaRDD<Item> items, long rows, int dimension) {}

  static Read read(SparkSession spark, SparkMineConfig cfg) throws IOException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    boolean encode = cfg.model() != null;
    boolean zeroIsBad = !encode && cfg.distance() == dev.negmine.core.linalg.Distance.COSINE;
    int want = cfg.dimension();
    int embedded = 0;
    if (encode) {
      try (Embedder m = Embedders.load(cfg.model())) {
        int in = m.inputDim();
        if (want != 0 && want != in) {
          throw new IllegalArgumentException("--dim " + want + " but the model reads " + in + " features");
        }
        want = in;
        embedded = m.embeddingSize();
      }
    }
    String fail = cfg.failFirstAttempt();
    Read r = switch (cfg.input()) {
      case MineInput.InMemory m -> inMemory(jsc, m, want, zeroIsBad, fail);
      case MineInput.NpyFiles f -> npy(jsc, f, want, zeroIsBad, fail);
      case MineInput.Parquet p -> parquet(spark, p, want, zeroIsBad, fail);
    };
    if (!encode) {
      return r;
    }
    return new Read(encode(r.items(), cfg.model().toAbsolutePath().toString(), cfg.distance()
        == dev.negmine.core.linalg.Distance.COSINE, r.items().getNumPartitions()), r.rows(), embedded);
  }

  /** A slice of an in-memory corpus, shipped to the executors. */
  private record Slice(long firstRow, int dim, float[] data, long[] labels, long[] ids) implements Serializable {}

  private static Read inMemory(JavaSparkContext jsc, MineInput.InMemory m, int want, boolean zeroIsBad, String fail) {
    FloatMatrix v = m.vectors();
    int dim = want == 0 ? v.cols() : want;
    List<Slice> slices = new ArrayList<>();
    int per = ENCODE_BLOCK * 16;
    for (int r0 = 0; r0 < v.rows(); r0 += per) {
      int r1 = Math.min(v.rows(), r0 + per);
      long[] ids = new long[r1 - r0];
      for (int i = r0; i < r1; i++) {
        ids[i - r0] = m.ids() == null ? i : m.ids()[i];
      }
      slices.add(new Slice(r0, v.cols(), v.rowRange(r0, r1).copy().data(), Arrays.copyOfRange(m.labels(), r0, r1), ids));
    }
    String name = m.name();
    JavaRDD<Item> items = jsc.parallelize(slices, Math.max(1, slices.size())).flatMap(s -> {
      Faults.maybeFail(fail, "read");
      List<Item> out = new ArrayList<>(s.labels().length);
      for (int i = 0; i < s.labels().length; i++) {
        float[] row = Arrays.copyOfRange(s.data(), i * s.dim(), (i + 1) * s.dim());
        out.add(BadRows.check(s.firstRow() + i, s.ids()[i], s.labels()[i], row, dim, zeroIsBad,
            name + " row " + (s.firstRow() + i)));
      }
      return out.iterator();
    });
    return new Read(items, v.rows(), dim);
  }

  /** One .npy shard and where its rows start. */
  private record NpyShard(long firstRow, String vectors, String labels, String ids) implements Serializable {}

  private static Read npy(JavaSparkContext jsc, MineInput.NpyFiles f, int want, boolean zeroIsBad, String fail)
      throws IOException {
    List<NpyShard> shards = new ArrayList<>();
    long rows = 0;
    int dim = want;
    for (int s = 0; s < f.vectors().size(); s++) {
      Path vp = f.vectors().get(s);
      int[] shape = header(vp).shape();
      if (shape.length != 2) {
        throw new IllegalArgumentException(vp + ": embeddings must be 2-D (items, dim), got shape " + Arrays.toString(shape));
      }
      if (dim == 0) {
        dim = shape[1];
      }
      Path lp = f.labels().get(s);
      int[] ls = header(lp).shape();
      if (ls.length != 1 || ls[0] != shape[0]) {
        throw new IllegalArgumentException(lp + ": expected " + shape[0] + " labels (1-D) for " + vp + ", got shape "
            + Arrays.toString(ls));
      }
      String ip = null;
      if (!f.ids().isEmpty()) {
        Path idp = f.ids().get(s);
        int[] is = header(idp).shape();
        if (is.length != 1 || is[0] != shape[0]) {
          throw new IllegalArgumentException(idp + ": expected " + shape[0] + " ids (1-D) for " + vp + ", got shape "
              + Arrays.toString(is));
        }
        ip = idp.toAbsolutePath().toString();
      }
      shards.add(new NpyShard(rows, vp.toAbsolutePath().toString(), lp.toAbsolutePath().toString(), ip));
      rows += shape[0];
    }
    int d = dim;
    JavaRDD<Item> items = jsc.parallelize(shards, shards.size()).flatMap(sh -> {
      Faults.maybeFail(fail, "read");
      FloatMatrix v = Npy.readFloatMatrix(Path.of(sh.vectors()));
      long[] labels = Npy.readLongs(Path.of(sh.labels()));
      long[] ids = sh.ids() == null ? null : Npy.readLongs(Path.of(sh.ids()));
      List<Item> out = new ArrayList<>(v.rows());
      for (int i = 0; i < v.rows(); i++) {
        long row = sh.firstRow() + i;
        out.add(BadRows.check(row, ids == null ? row : ids[i], labels[i], v.row(i), d, zeroIsBad,
            sh.vectors() + " row " + i));
      }
      return out.iterator();
    });
    return new Read(items, rows, d);
  }

  private static NpyHeader header(Path p) throws IOException {
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(p + ": no such file");
    }
    return Npy.readHeader(p);
  }

  private static Read parquet(SparkSession spark, MineInput.Parquet p, int want, boolean zeroIsBad, String fail) {
    Dataset<Row> df;
    try {
      df = spark.read().parquet(p.path());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(p.path() + ": cannot read as Parquet: " + e.getMessage(), e);
    }
    List<String> columns = Arrays.asList(df.columns());
    for (String c : Arrays.asList(p.idColumn(), p.labelColumn(), p.vectorColumn())) {
      if (c != null && !columns.contains(c)) {
        throw new IllegalArgumentException(p.path() + ": no column '" + c + "' (columns: " + String.join(", ", columns) + ")");
      }
    }
    Dataset<Row> sel = df.select(col("_metadata.file_path").as("f"), col("_metadata.row_index").as("ri"),
        p.idColumn() == null ? org.apache.spark.sql.functions.lit(null).cast("long").as("id") : col(p.idColumn()).cast("long").as("id"),
        col(p.labelColumn()).cast("long").as("label"), col(p.vectorColumn()).cast("array<float>").as("v"));
    int dim = want;
    if (dim == 0) {
      // the most common vector length
      List<Row> lengths = sel.where(col("v").isNotNull()).groupBy(size(col("v")).as("n")).count()
          .orderBy(col("count").desc(), col("n").asc()).limit(1).collectAsList();
      if (lengths.isEmpty()) {
        throw new IllegalArgumentException(p.path() + ": no row has a vector in column '" + p.vectorColumn() + "'");
      }
      dim = lengths.get(0).getInt(0);
    }
    List<Row> files = sel.groupBy(col("f")).count().orderBy(col("f")).collectAsList();
    Map<String, Long> offsets = new HashMap<>();
    long rows = 0;
    for (Row r : files) {
      offsets.put(r.getString(0), rows);
      rows += r.getLong(1);
    }
    int d = dim;
    String idCol = p.idColumn();
    JavaRDD<Item> items = sel.javaRDD().mapPartitions(it -> {
      Faults.maybeFail(fail, "read");
      List<Item> out = new ArrayList<>();
      while (it.hasNext()) {
        Row r = it.next();
        long row = offsets.get(r.getString(0)) + r.getLong(1);
        Long label = r.isNullAt(3) ? null : r.getLong(3);
        long id = idCol == null ? row : r.isNullAt(2) ? Long.MIN_VALUE : r.getLong(2);
        float[] v = null;
        if (!r.isNullAt(4)) {
          List<Object> xs = r.getList(4);
          v = new float[xs.size()];
          for (int j = 0; j < v.length; j++) {
            Object x = xs.get(j);
            v[j] = x == null ? Float.NaN : ((Number) x).floatValue();
          }
        }
        String where = r.getString(0) + " row " + r.getLong(1);
        if (idCol != null && id == Long.MIN_VALUE) {
          out.add(Item.bad(row, BadRows.MISSING_LABEL, where + ": no id"));
        } else {
          out.add(BadRows.check(row, id, label, v, d, zeroIsBad, where));
        }
      }
      return out.iterator();
    });
    return new Read(items, rows, d);
  }

  /**
   * Encodes the features of the good rows with the model, in blocks of {@link #ENCODE_BLOCK} rows
   * by row number; bad rows pass through; embeddings that are not finite (or zero under cosine)
   * become bad rows.
   */
  private static JavaRDD<Item> encode(JavaRDD<Item> items, String model, boolean zeroIsBad, int partitions) {
    JavaRDD<Item> bad = items.filter(i -> !i.isGood());
    JavaRDD<Item> encoded = items.filter(Item::isGood)
        .mapToPair(i -> new Tuple2<>(i.row / ENCODE_BLOCK, i))
        .groupByKey(Math.max(1, partitions))
        .flatMap(t -> {
          List<Item> block = new ArrayList<>();
          t._2().forEach(block::add);
          block.sort((a, b) -> Long.compare(a.row, b.row));
          int dim = block.get(0).vector.length;
          float[] x = new float[block.size() * dim];
          long[] labels = new long[block.size()];
          for (int i = 0; i < block.size(); i++) {
            System.arraycopy(block.get(i).vector, 0, x, i * dim, dim);
            labels[i] = block.get(i).label;
          }
          FloatMatrix e = ModelPool.embed(model, FloatMatrix.of(block.size(), dim, x), labels);
          List<Item> out = new ArrayList<>(block.size());
          for (int i = 0; i < block.size(); i++) {
            Item it = block.get(i);
            float[] v = e.row(i);
            String problem = BadRows.finiteProblem(v, zeroIsBad);
            out.add(problem == null ? it.withVector(v)
                : Item.bad(it.row, problem.startsWith("zero") ? BadRows.ZERO_VECTOR : BadRows.NON_FINITE,
                    "embedding of row " + it.row + ": " + problem));
          }
          return out.iterator();
        });
    return encoded.union(bad);
  }

  /**
   * Executor-side models: each is loaded at most once per concurrently running task slot and reused
   * by later tasks (an Embedder is not thread-safe, so a task borrows one for itself).
   */
  static final class ModelPool {
    private static final Map<String, ConcurrentLinkedQueue<Embedder>> IDLE = new ConcurrentHashMap<>();

    private ModelPool() {}

    static FloatMatrix embed(String model, FloatMatrix features, long[] labels) {
      ConcurrentLinkedQueue<Embedder> idle = IDLE.computeIfAbsent(model, k -> new ConcurrentLinkedQueue<>());
      Embedder m = idle.poll();
      try {
        if (m == null) {
          m = Embedders.load(Path.of(model));
        }
        return m.embed(new LabeledData(features, labels, 0, model + " (spark block)"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        if (m != null) {
          idle.add(m);
        }
      }
    }
  }

  /** The test hook of {@link SparkMineConfig#failFirstAttempt}. */
  static final class Faults {
    private Faults() {}

    static void maybeFail(String stage, String here) {
      TaskContext tc = TaskContext.get();
      if (stage != null && stage.equals(here) && tc != null && tc.partitionId() == 0 && tc.attemptNumber() == 0) {
        throw new IllegalStateException("injected failure in stage " + here + ", partition 0, first attempt");
      }
      if (stage != null && stage.equals(here + "-always") && tc != null && tc.partitionId() == 0) {
        throw new IllegalStateException("injected failure in stage " + here + ", partition 0, every attempt");
      }
    }
  }
}
