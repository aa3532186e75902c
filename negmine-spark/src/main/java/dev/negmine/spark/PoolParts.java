package dev.negmine.spark;

import dev.negmine.core.io.AtomicFiles;
import dev.negmine.core.io.Json;
import dev.negmine.core.io.NegmineFormatException;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A pool as Parquet parts plus its manifest, written by the executors (the driver never holds the
 * candidates), and its conversion to the standard pool directory ({@code negmine pool import}).
 *
 * <p>A parts directory holds {@code part-*.parquet} (one row per anchor: {@code row}, the anchor's
 * global input row and so the pool's order, {@code anchor_id}, {@code anchor_label}, {@code
 * positive_id}, {@code positive_score}, and the best-first arrays {@code candidate_ids}, {@code
 * candidate_labels}, {@code candidate_scores}), Spark's {@code _SUCCESS}, and {@code
 * manifest.json}: the pool's manifest ({@link PoolFiles#manifestJson}) tagged {@code "format":
 * "negmine-pool-parts"}, without a payload checksum, plus {@code "parts"}: every part file's name and
 * size and the anchor and candidate totals.
 *
 * <p>Commit protocol: Spark writes the parts into a hidden sibling directory (its output committer
 * publishes only successful task attempts), the driver then lists them and writes the manifest
 * last, and the directory is renamed into place ({@link PoolOutput#commit}). A failed or killed job
 * leaves at most a hidden {@code .NAME.tmp-*} directory; a directory named {@code --out} always
 * has its manifest, and {@link #read} refuses parts that do not match it.
 */
public final class PoolParts {
  /** The manifest's format tag (a pool directory's is {@code negmine-pool}). */
  public static final String FORMAT = "negmine-pool-parts";

  static final StructType SCHEMA = new StructType()
      .add("row", DataTypes.LongType, false)
      .add("anchor_id", DataTypes.LongType, false)
      .add("anchor_label", DataTypes.LongType, false)
      .add("positive_id", DataTypes.LongType, false)
      .add("positive_score", DataTypes.FloatType, false)
      .add("candidate_ids", DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add("candidate_labels", DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add("candidate_scores", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private PoolParts() {}

  /** Totals over the block results, computed by the executors. */
  record Totals(long anchors, long candidates, long dropped, long shortAnchors, long filteredByScore)
      implements java.io.Serializable {
    static Totals of(BlockResult b) {
      return new Totals(b.anchorIds.length, b.candidateIds.length, b.dropped, b.shortAnchors, b.filteredByScore);
    }

    Totals plus(Totals o) {
      return new Totals(anchors + o.anchors, candidates + o.candidates, dropped + o.dropped,
          shortAnchors + o.shortAnchors, filteredByScore + o.filteredByScore);
    }
  }

  static Totals totals(JavaRDD<BlockResult> results) {
    return results.map(Totals::of).fold(new Totals(0, 0, 0, 0, 0), Totals::plus);
  }

  /**
   * Writes {@code results} as parts under {@code out}, committed atomically with the manifest
   * (counts taken from {@code manifest}, which must describe these results).
   */
  static void write(SparkSession spark, JavaRDD<BlockResult> results, PoolManifest manifest, Totals totals, Path out,
      String fail) throws IOException {
    PoolOutput.requireAnchors(totals.anchors(), out);
    JavaRDD<Row> rows = results.flatMap(b -> {
      CorpusReader.Faults.maybeFail(fail, "write");
      return rowsOf(b);
    });
    PoolOutput.commit(out, tmp -> {
      // Spark creates tmp itself (mode error-if-exists): it must not exist yet
      spark.createDataFrame(rows, SCHEMA).write().parquet(tmp.toAbsolutePath().toUri().toString());
      List<Object> files = new ArrayList<>();
      try (Stream<Path> s = Files.list(tmp)) {
        for (Path p : s.filter(x -> x.getFileName().toString().startsWith("part-")).sorted().toList()) {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("name", p.getFileName().toString());
          f.put("bytes", Files.size(p));
          files.add(f);
        }
      }
      Map<String, Object> parts = new LinkedHashMap<>();
      parts.put("files", files);
      parts.put("anchors", totals.anchors());
      parts.put("candidates", totals.candidates());
      parts.put("order", "row");
      Map<String, Object> json = new LinkedHashMap<>(PoolFiles.manifestJson(manifest));
      json.put("format", FORMAT);
      json.put("parts", parts);
      AtomicFiles.writeString(tmp.resolve(PoolFiles.MANIFEST), Json.write(json) + "\n");
      return null;
    });
  }

  private static Iterator<Row> rowsOf(BlockResult b) {
    List<Row> out = new ArrayList<>(b.anchorIds.length);
    int c = 0;
    for (int a = 0; a < b.anchorIds.length; a++) {
      int n = b.counts[a];
      out.add(RowFactory.create(b.anchorRows[a], b.anchorIds[a], b.anchorLabels[a], b.positiveIds[a],
          b.positiveScores[a], java.util.Arrays.copyOfRange(b.candidateIds, c, c + n),
          java.util.Arrays.copyOfRange(b.candidateLabels, c, c + n),
          java.util.Arrays.copyOfRange(b.candidateScores, c, c + n)));
      c += n;
    }
    return out.iterator();
  }

  /** The manifest of a parts directory and its checked part files. */
  private record Listing(PoolManifest manifest, List<String> files, long anchors, long candidates) {}

  private static Listing list(Path dir) throws IOException {
    Path mf = dir.resolve(PoolFiles.MANIFEST);
    if (!Files.isDirectory(dir)) {
      throw new NegmineFormatException(dir, Files.exists(dir) ? "not a directory (Parquet parts are a directory)" : "no such directory");
    }
    if (!Files.isRegularFile(mf)) {
      throw new NegmineFormatException(mf, "missing: not a complete negmine parts directory (the manifest is written last)");
    }
    Object parsed;
    try {
      parsed = Json.parse(Files.readString(mf, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new NegmineFormatException(mf, "malformed JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> map) || !FORMAT.equals(map.get("format"))) {
      throw new NegmineFormatException(mf, "not a negmine parts manifest (no \"format\": \"" + FORMAT + "\")");
    }
    PoolManifest m = PoolFiles.manifestFromJson(mf, map);
    List<String> names = new ArrayList<>();
    long anchors;
    long candidates;
    try {
      Map<?, ?> parts = (Map<?, ?>) map.get("parts");
      anchors = ((Number) parts.get("anchors")).longValue();
      candidates = ((Number) parts.get("candidates")).longValue();
      List<?> listed = (List<?>) parts.get("files");
      for (int k = 0; k < listed.size(); k++) {
        Map<?, ?> f = (Map<?, ?>) listed.get(k);
        // a listed name must stay inside the directory: no absolute paths, no ..
        Path p = dev.negmine.core.io.ManifestPaths.resolve(mf, "parts.files[" + k + "].name", f.get("name"));
        String name = p.getFileName().toString();
        long bytes = ((Number) f.get("bytes")).longValue();
        if (!Files.isRegularFile(p)) {
          throw new NegmineFormatException(p, "listed in " + PoolFiles.MANIFEST + " but missing");
        }
        if (Files.size(p) != bytes) {
          throw new NegmineFormatException(p, Files.size(p) + " bytes, " + PoolFiles.MANIFEST + " says " + bytes);
        }
        names.add(name);
      }
    } catch (ClassCastException | NullPointerException e) {
      throw new NegmineFormatException(mf, "malformed \"parts\": " + e.getMessage());
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        if (f.startsWith("part-") && !names.contains(f)) {
          throw new NegmineFormatException(p, "not listed in " + PoolFiles.MANIFEST + " (a foreign or leftover part)");
        }
      }
    }
    return new Listing(m, names, anchors, candidates);
  }

  /**
   * Reads a parts directory into the pool {@code negmine mine} would have written (arrays in row
   * order, the manifest without a checksum), checking the parts against the manifest: listed files
   * with their sizes, no unlisted part, each anchor once, the totals.
   */
  public static CandidatePool read(SparkSession spark, Path dir) throws IOException {
    try {
      return readChecked(spark, dir);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      // Spark and Parquet report a corrupt part as one of their runtime exceptions
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new NegmineFormatException(dir.toString(), "cannot read its Parquet parts (corrupt, truncated or not written by negmine): "
          + String.valueOf(root.getMessage()).replaceAll("\\s+", " "), e);
    }
  }

  private static CandidatePool readChecked(SparkSession spark, Path dir) throws IOException {
    Listing l = list(dir);
    Assembly a = new Assembly();
    if (!l.files().isEmpty()) {
      String[] paths = l.files().stream().map(f -> dir.resolve(f).toAbsolutePath().toUri().toString()).toArray(String[]::new);
      Iterator<Row> it = spark.read().schema(SCHEMA).parquet(paths).orderBy("row").toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        long row = r.getLong(0);
        long[] ids = longs(r.getList(5));
        long[] labels = longs(r.getList(6));
        List<Float> sl = r.getList(7);
        if (labels.length != ids.length || sl.size() != ids.length) {
          throw new NegmineFormatException(dir, "anchor row " + row + ": candidate arrays of different lengths");
        }
        float[] scores = new float[sl.size()];
        for (int i = 0; i < scores.length; i++) {
          scores[i] = sl.get(i);
        }
        try {
          a.add(new BlockResult(row, new long[] {row}, new long[] {r.getLong(1)}, new long[] {r.getLong(2)},
              new long[] {r.getLong(3)}, new float[] {r.getFloat(4)}, new int[] {ids.length}, ids, labels, scores, 0, 0, 0));
        } catch (IllegalStateException e) {
          throw new NegmineFormatException(dir, "anchor row " + row + " appears twice");
        }
      }
    }
    if (a.anchors != l.anchors() || a.candidates != l.candidates()) {
      throw new NegmineFormatException(dir, "parts hold " + a.anchors + " anchors and " + a.candidates
          + " candidates, " + PoolFiles.MANIFEST + " says " + l.anchors() + " and " + l.candidates());
    }
    return a.pool(l.manifest());
  }

  private static long[] longs(List<Long> v) {
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  /**
   * {@code negmine pool import}: converts a parts directory into a pool directory at {@code out}
   * (written atomically, replacing an earlier pool), in an embedded local Spark session.
   */
  public static PoolManifest importTo(Path parts, Path out) throws IOException {
    PoolOutput.check(out);
    list(parts); // fail fast, before Spark starts
    SparkSession spark = SparkMineJob.session("local[*]");
    try {
      return importTo(spark, parts, out);
    } finally {
      spark.stop();
    }
  }

  /** {@link #importTo(Path, Path)} in an existing session (left running). */
  public static PoolManifest importTo(SparkSession spark, Path parts, Path out) throws IOException {
    PoolOutput.check(out);
    CandidatePool pool = read(spark, parts);
    return PoolOutput.write(out, pool);
  }
}
