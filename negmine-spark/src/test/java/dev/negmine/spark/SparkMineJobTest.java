package dev.negmine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.NegmineFormatException;
import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.index.HnswParams;
import dev.negmine.index.NegativeFilters;
import dev.negmine.index.OfflineMiner;
import dev.negmine.index.SyntheticCorpus;
import dev.negmine.index.VectorIndexes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job against the single-machine oracle ({@link OfflineMiner} over an exact index, what
 * {@code negmine mine} runs), in local mode with 2 threads and up to 3 attempts per task.
 */
class SparkMineJobTest {
  private static final long SEED = 20261122L;
  private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-02T03:04:05Z"));
  private static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    System.out.println("SparkMineJobTest seed " + SEED);
    spark = SparkMineJob.session("local[2,3]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** A clustered corpus with exact duplicate rows (ties) and ids shared by pairs of rows. */
  private static MineInput.InMemory corpus(int n, int dim) {
    SyntheticCorpus c = SyntheticCorpus.clustered(n, dim, 12, 0.25, SEED);
    float[] data = c.vectors().data().clone();
    // rows 40..59 repeat rows 0..19: equal scores, which both miners must order by row
    System.arraycopy(data, 0, data, 40 * dim, 20 * dim);
    long[] labels = c.labels().clone();
    System.arraycopy(labels, 0, labels, 40, 20);
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = 1000 + i / 2;
    }
    return new MineInput.InMemory(FloatMatrix.of(n, dim, data), labels, ids, "synthetic");
  }

  private static CandidatePool oracle(MineInput.InMemory in, Distance d, NegativeFilters f, int top) {
    return OfflineMiner.builder().top(top).filters(f).clock(CLOCK).build()
        .mine(VectorIndexes.exact(in.vectors(), in.ids(), d), in.labels());
  }

  private SparkMineResult run(SparkMineConfig.Builder b) throws IOException {
    return SparkMineJob.run(spark, b.clock(CLOCK).build(), s -> { });
  }

  private static void assertSamePool(CandidatePool expected, CandidatePool actual) {
    assertTrue(expected.anchors() > 0);
    assertEquals(expected.anchors(), actual.anchors(), "anchors");
    assertEquals(expected.candidates(), actual.candidates(), "candidates");
    assertTrue(expected.sameContents(actual), "pool arrays differ from the oracle's");
    assertEquals(expected.manifest().counts().get("anchors_without_positive"),
        ((Number) actual.manifest().counts().get("anchors_without_positive")).intValue());
    assertEquals(((Number) expected.manifest().counts().get("filtered_by_score")).longValue(),
        ((Number) actual.manifest().counts().get("filtered_by_score")).longValue());
  }

  @Test
  void exactPoolEqualsTheSingleMachineMinerBitForBit() throws IOException {
    MineInput.InMemory in = corpus(1500, 16);
    CandidatePool expected = oracle(in, Distance.COSINE, NegativeFilters.defaults(), 25);
    Path out = dir.resolve("pool");
    SparkMineResult r = run(SparkMineConfig.builder(in, out).top(25).shards(3).blockRows(128));
    CandidatePool actual = PoolFiles.read(out);
    assertSamePool(expected, actual);
    assertEquals(1.0, actual.manifest().recall());
    assertEquals(CLOCK.instant(), actual.manifest().createdAt());
    assertEquals(CLOCK.instant().plus(Duration.ofHours(48)), actual.manifest().expiresAt());
    assertEquals(List.of("read", "shard", "index", "positives", "query", "write"), List.copyOf(r.stageSeconds().keySet()));
    PoolFiles.write(dir.resolve("oracle"), expected);
    assertEquals(PoolFiles.readManifest(dir.resolve("oracle")).filters(), actual.manifest().filters());
  }

  @Test
  void scoreFiltersAndDotProductsMatchToo() throws IOException {
    MineInput.InMemory in = corpus(900, 8);
    NegativeFilters f = new NegativeFilters(true, false, 0.95, 0.05, false);
    CandidatePool expected = oracle(in, Distance.DOT, f, 10);
    Path out = dir.resolve("pool-dot");
    run(SparkMineConfig.builder(in, out).top(10).shards(4).blockRows(64).distance(Distance.DOT).filters(f));
    assertSamePool(expected, PoolFiles.read(out));
  }

  @Test
  void failedTasksAreRetriedWithoutDuplicateOrLostAnchors() throws IOException {
    MineInput.InMemory in = corpus(800, 8);
    CandidatePool expected = oracle(in, Distance.COSINE, NegativeFilters.defaults(), 10);
    for (String stage : List.of("read", "shard", "index", "query")) {
      Path out = dir.resolve("pool-retry-" + stage);
      run(SparkMineConfig.builder(in, out).top(10).shards(2).blockRows(100).failFirstAttempt(stage));
      CandidatePool actual = PoolFiles.read(out);
      assertSamePool(expected, actual);
      Set<Long> seen = new HashSet<>();
      for (int a = 0; a < actual.anchors(); a++) {
        assertTrue(seen.add(actual.anchorId(a) * 10_000 + a), "anchor repeated");
      }
    }
  }

  @Test
  void npyShardsReadOnExecutorsGiveTheSamePool() throws IOException {
    MineInput.InMemory in = corpus(1000, 12);
    List<Path> v = new ArrayList<>();
    List<Path> l = new ArrayList<>();
    List<Path> ids = new ArrayList<>();
    int[] cuts = {0, 300, 301, 1000};
    for (int s = 0; s + 1 < cuts.length; s++) {
      v.add(dir.resolve("e" + s + ".npy"));
      l.add(dir.resolve("l" + s + ".npy"));
      ids.add(dir.resolve("i" + s + ".npy"));
      Npy.write(v.get(s), in.vectors().rowRange(cuts[s], cuts[s + 1]).copy());
      Npy.writeLongs(l.get(s), Arrays.copyOfRange(in.labels(), cuts[s], cuts[s + 1]), cuts[s + 1] - cuts[s]);
      Npy.writeLongs(ids.get(s), Arrays.copyOfRange(in.ids(), cuts[s], cuts[s + 1]), cuts[s + 1] - cuts[s]);
    }
    Path out = dir.resolve("pool-npy");
    run(SparkMineConfig.builder(new MineInput.NpyFiles(v, l, ids), out).top(20).shards(2));
    assertSamePool(oracle(in, Distance.COSINE, NegativeFilters.defaults(), 20), PoolFiles.read(out));
  }

  @Test
  void badRowsAreCountedReportedAndFailTheJobPastTheThreshold() throws IOException {
    MineInput.InMemory in = corpus(600, 8);
    // Parquet with: a missing label (row 3), a NaN (row 10), a wrong dimension (row 20), a missing vector (row 30)
    StructType schema = new StructType().add("id", DataTypes.LongType).add("label", DataTypes.LongType, true)
        .add("embedding", DataTypes.createArrayType(DataTypes.FloatType), true);
    List<Row> rows = new ArrayList<>();
    List<Integer> good = new ArrayList<>();
    for (int i = 0; i < in.vectors().rows(); i++) {
      float[] v = in.vectors().row(i);
      List<Float> vec = new ArrayList<>();
      for (float x : v) {
        vec.add(x);
      }
      Long label = in.labels()[i];
      if (i == 3) {
        label = null;
      } else if (i == 10) {
        vec.set(2, Float.NaN);
      } else if (i == 20) {
        vec.add(0.5f);
      } else if (i == 30) {
        vec = null;
      } else {
        good.add(i);
      }
      rows.add(RowFactory.create(in.ids()[i], label, vec == null ? null : vec.toArray(new Float[0])));
    }
    Path parquet = dir.resolve("corpus.parquet");
    Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1);
    df.write().parquet(parquet.toString());
    MineInput.Parquet pin = new MineInput.Parquet(parquet.toString(), "id", "label", "embedding");

    Path out = dir.resolve("pool-bad");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> run(SparkMineConfig.builder(pin, out).top(10).dimension(8).maxBadRows(3)));
    assertTrue(e.getMessage().contains("4 bad input rows"), e.getMessage());
    assertTrue(e.getMessage().contains("--max-bad-rows 3"), e.getMessage());
    assertTrue(e.getMessage().contains("row 3 (missing_label)"), e.getMessage());
    assertFalse(Files.exists(out), "a failed job leaves no pool");

    SparkMineResult r = run(SparkMineConfig.builder(pin, out).top(10).maxBadRows(4));
    assertEquals(4, r.badRows().total());
    assertEquals(1L, r.badRows().byReason().get(BadRows.MISSING_LABEL));
    assertEquals(1L, r.badRows().byReason().get(BadRows.NON_FINITE));
    assertEquals(1L, r.badRows().byReason().get(BadRows.WRONG_DIMENSION));
    assertEquals(1L, r.badRows().byReason().get(BadRows.MISSING_VECTOR));
    CandidatePool actual = PoolFiles.read(out);
    assertEquals(4L, ((Number) actual.manifest().counts().get("bad_rows")).longValue());
    // the pool equals the oracle's over the good rows alone (same order, same ids)
    int[] keep = good.stream().mapToInt(Integer::intValue).toArray();
    long[] gl = new long[keep.length];
    long[] gi = new long[keep.length];
    for (int i = 0; i < keep.length; i++) {
      gl[i] = in.labels()[keep[i]];
      gi[i] = in.ids()[keep[i]];
    }
    MineInput.InMemory goodOnly = new MineInput.InMemory(in.vectors().gather(keep), gl, gi, "good rows");
    assertSamePool(oracle(goodOnly, Distance.COSINE, NegativeFilters.defaults(), 10), actual);
  }

  @Test
  void hnswShardsMeasureRecallAndKeepEveryAnchor() throws IOException {
    MineInput.InMemory in = corpus(1200, 16);
    Path out = dir.resolve("pool-hnsw");
    SparkMineResult r = run(SparkMineConfig.builder(in, out).top(10).shards(2).index("hnsw")
        .hnsw(new HnswParams(16, 100, 64, 7, 1)).recallSample(200));
    CandidatePool expected = oracle(in, Distance.COSINE, NegativeFilters.defaults(), 10);
    CandidatePool actual = PoolFiles.read(out);
    assertEquals(expected.anchors(), actual.anchors());
    for (int a = 0; a < actual.anchors(); a++) {
      assertEquals(expected.anchorId(a), actual.anchorId(a));
      assertEquals(expected.positiveId(a), actual.positiveId(a));
    }
    assertTrue(actual.manifest().recall() > 0.9, "recall " + actual.manifest().recall());
    assertEquals("hnsw", actual.manifest().index().get("kind"));
    assertTrue(r.stageSeconds().containsKey("recall"));
  }

  @Test
  void reRunReplacesThePoolAndRefusesForeignDirectories() throws IOException {
    MineInput.InMemory in = corpus(300, 8);
    Path out = dir.resolve("pool-rerun");
    run(SparkMineConfig.builder(in, out).top(5));
    run(SparkMineConfig.builder(in, out).top(7));
    assertEquals(7, ((Number) PoolFiles.read(out).manifest().filters().get("top")).intValue());
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".pool-rerun")), "temporary directories left");
    }
    Path foreign = dir.resolve("foreign");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> run(SparkMineConfig.builder(in, foreign).top(5)));
    assertTrue(e.getMessage().contains("not a negmine pool"), e.getMessage());
    assertTrue(Files.exists(foreign.resolve("notes.txt")));
  }

  @Test
  void parquetPartsImportToTheSamePoolBytesAsTheDriverAssembledPool() throws IOException {
    MineInput.InMemory in = corpus(1200, 12);
    CandidatePool expected = oracle(in, Distance.COSINE, NegativeFilters.defaults(), 15);
    Path pool = dir.resolve("direct");
    run(SparkMineConfig.builder(in, pool).top(15).shards(3).blockRows(100));
    Path parts = dir.resolve("parts");
    SparkMineResult r = run(SparkMineConfig.builder(in, parts).top(15).shards(3).blockRows(100)
        .output(SparkMineConfig.OUTPUT_PARTS).failFirstAttempt("write"));
    try (var s = Files.list(parts)) {
      List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
      assertTrue(names.contains("manifest.json") && names.contains("_SUCCESS"), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("part-") && n.endsWith(".parquet")), names.toString());
      assertFalse(names.contains(PoolFiles.BINARY), "parts output holds no pool.bin");
    }
    assertThrows(NegmineFormatException.class, () -> PoolFiles.read(parts), "a parts directory is not a pool");
    assertEquals(expected.anchors(), ((Number) r.manifest().counts().get("anchors")).intValue());
    CandidatePool read = PoolParts.read(spark, parts);
    assertSamePool(expected, read);
    Path imported = dir.resolve("imported");
    PoolParts.importTo(spark, parts, imported);
    assertArrayEquals(Files.readAllBytes(pool.resolve(PoolFiles.BINARY)), Files.readAllBytes(imported.resolve(PoolFiles.BINARY)),
        "pool import must give the driver-assembled pool.bin byte for byte");
    var direct = PoolFiles.readManifest(pool);
    var viaParts = PoolFiles.readManifest(imported);
    assertEquals(direct.payloadSha256(), viaParts.payloadSha256());
    assertEquals(direct.counts(), viaParts.counts());
    assertEquals(direct.filters(), viaParts.filters());
    assertEquals(direct.createdAt(), viaParts.createdAt());
    assertEquals(direct.expiresAt(), viaParts.expiresAt());
    assertEquals(direct.recall(), viaParts.recall());
    assertEquals(direct.source().get("embeddings"), viaParts.source().get("embeddings"));
  }

  @Test
  void partsAreCheckedAgainstTheManifestAndAFailedJobLeavesTheEarlierOutput() throws IOException {
    MineInput.InMemory in = corpus(400, 8);
    Path parts = dir.resolve("parts-check");
    run(SparkMineConfig.builder(in, parts).top(5).output(SparkMineConfig.OUTPUT_PARTS));
    String manifest = Files.readString(parts.resolve("manifest.json"));
    // a job that fails while writing parts: the earlier parts stay, complete; nothing else is left
    assertThrows(Exception.class, () -> run(SparkMineConfig.builder(in, parts).top(9)
        .output(SparkMineConfig.OUTPUT_PARTS).failFirstAttempt("write-always")));
    assertEquals(manifest, Files.readString(parts.resolve("manifest.json")));
    assertEquals(5, ((Number) PoolParts.read(spark, parts).manifest().filters().get("top")).intValue());
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".parts-check")), "temporary directories left");
    }
    // an unlisted part, a truncated part, a missing manifest: refused with the file named
    Path copy = dir.resolve("parts-copy");
    Files.createDirectories(copy);
    try (var s = Files.list(parts)) {
      for (Path p : s.toList()) {
        Files.copy(p, copy.resolve(p.getFileName()));
      }
    }
    Path extra = copy.resolve("part-99999-extra.parquet");
    Files.writeString(extra, "x");
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> PoolParts.read(spark, copy));
    assertTrue(e.getMessage().contains("not listed"), e.getMessage());
    Files.delete(extra);
    Path first;
    try (var s = Files.list(copy)) {
      first = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().findFirst().orElseThrow();
    }
    Files.write(first, Arrays.copyOf(Files.readAllBytes(first), (int) Files.size(first) - 1));
    e = assertThrows(NegmineFormatException.class, () -> PoolParts.read(spark, copy));
    assertTrue(e.getMessage().contains("bytes"), e.getMessage());
    Files.delete(copy.resolve("manifest.json"));
    e = assertThrows(NegmineFormatException.class, () -> PoolParts.read(spark, copy));
    assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
  }

  @Test
  void partialMergeIsOrderIndependent() {
    long[] anchors = {5};
    Partial x = new Partial(anchors, 3, true, new long[] {1, 7, -1}, new long[] {1, 7, 0}, new long[] {0, 0, 0},
        new float[] {0.9f, 0.5f, Float.NaN});
    Partial y = new Partial(anchors, 3, true, new long[] {3, 4, 9}, new long[] {3, 4, 9}, new long[] {0, 0, 0},
        new float[] {0.9f, 0.5f, 0.1f});
    Partial xy = Partial.merge(x, y);
    Partial yx = Partial.merge(y, x);
    assertArrayEquals(new long[] {1, 3, 4}, xy.rows);
    assertArrayEquals(xy.rows, yx.rows);
    assertArrayEquals(xy.scores, yx.scores);
  }
}
