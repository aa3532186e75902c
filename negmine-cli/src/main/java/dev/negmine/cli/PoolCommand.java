package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.io.AtomicFiles;
import dev.negmine.core.io.Npy;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code negmine pool inspect|export}: look into and convert candidate pools. */
@Command(
    name = "pool",
    mixinStandardHelpOptions = true,
    description = "Inspect a candidate pool, export it for other tools, or import Parquet parts written by spark-mine.",
    subcommands = {PoolCommand.Inspect.class, PoolCommand.Export.class, PoolCommand.Import.class})
final class PoolCommand implements Runnable {
  /** The clock inspect judges age and expiry by; tests replace it. */
  static InstantSource clock = InstantSource.system();

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "pool needs a subcommand: inspect, export or import");
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Age, expiry, counts, score quantiles, per-class counts and recall of a pool.")
  static final class Inspect implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "POOL_DIR", description = "The pool directory.")
    Path dir;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      CandidatePool p = PoolFiles.read(dir);
      PoolManifest m = p.manifest();
      Instant now = clock.instant();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("pool", dir.toString());
      o.put("format_version", m.formatVersion());
      o.put("created_at", m.createdAt().toString());
      o.put("expires_at", m.expiresAt().toString());
      o.put("age_s", Duration.between(m.createdAt(), now).toSeconds());
      o.put("expired", p.isExpired(now));
      o.put("expires_in_s", Duration.between(now, m.expiresAt()).toSeconds());
      o.put("anchors", p.anchors());
      o.put("candidates", p.candidates());
      o.put("recall", m.recall());
      o.put("score_quantiles", quantiles(p));
      Map<Long, Long> perClass = new TreeMap<>();
      for (int a = 0; a < p.anchors(); a++) {
        for (int r = 0; r < p.count(a); r++) {
          perClass.merge(p.candidateLabel(a, r), 1L, Long::sum);
        }
      }
      Map<String, Object> pc = new LinkedHashMap<>();
      perClass.forEach((k, v) -> pc.put(Long.toString(k), v));
      o.put("candidates_per_class", pc);
      o.put("counts", m.counts());
      o.put("filters", m.filters());
      o.put("index", m.index());
      o.put("source", m.source());
      if (json) {
        System.out.println(Json.write(o));
      } else {
        System.out.printf(Locale.ROOT, "pool %s: %d anchors, %d candidates, recall %.4f%n", dir, p.anchors(), p.candidates(), m.recall());
        System.out.printf(Locale.ROOT, "created %s, expires %s (%s)%n", m.createdAt(), m.expiresAt(),
            p.isExpired(now) ? "EXPIRED" : "valid for " + Duration.between(now, m.expiresAt()).toMinutes() + " min");
        System.out.println("score quantiles: " + quantiles(p));
        System.out.println("candidates per class: " + pc);
        System.out.println("index: " + m.index());
        System.out.println("filters: " + m.filters());
      }
      return 0;
    }

    private static Map<String, Object> quantiles(CandidatePool p) {
      float[] s = new float[p.candidates()];
      int w = 0;
      for (int a = 0; a < p.anchors(); a++) {
        for (int r = 0; r < p.count(a); r++) {
          s[w++] = p.candidateScore(a, r);
        }
      }
      Arrays.sort(s);
      Map<String, Object> q = new LinkedHashMap<>();
      for (double f : new double[] {0, 0.05, 0.25, 0.5, 0.75, 0.95, 1}) {
        q.put(String.format(Locale.ROOT, "p%02d", (int) Math.round(f * 100)),
            s.length == 0 ? null : (double) s[(int) Math.min(s.length - 1, Math.round(f * (s.length - 1)))]);
      }
      return q;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Export a pool as JSONL in the shapes of sentence-transformers' mine_hard_negatives (triplet: one anchor/positive/negative row per candidate; n-tuple: anchor, positive, negative_1..n per anchor; texts when the pool was mined from a text corpus, else ids) or as .npy (N x 3 int64 anchor/positive/negative ids).")
  static final class Export implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "POOL_DIR", description = "The pool directory.")
    Path dir;

    @Option(names = "--format", required = true, description = "triplet, n-tuple or npy.")
    String format;

    @Option(names = "--out", description = "Output file (default: standard output; required for npy).")
    Path out;

    @Option(names = "--negatives", description = "Negatives per anchor, hardest first (default: all kept). As in sentence-transformers, n-tuple rows need exactly this many: anchors with fewer are left out.")
    Integer negatives;

    @Override
    public Integer call() throws IOException {
      if (out != null) {
        OutputGuards.file(out, dir);
      }
      CandidatePool p = PoolFiles.read(dir);
      texts = dev.negmine.cli.train.TextJobs.readPoolTexts(dir);
      switch (format) {
        case "triplet", "n-tuple" -> {
          if (out == null) {
            Writer w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            writeJsonl(p, format.equals("triplet"), limit(p), w);
            w.flush();
          } else {
            AtomicFiles.writeStream(out, os -> {
              Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
              writeJsonl(p, format.equals("triplet"), limit(p), w);
              w.flush();
            });
          }
        }
        case "npy" -> {
          if (out == null) {
            throw new UserInputException("--format npy needs --out FILE.npy");
          }
          long[] rows;
          int w = 0;
          int n = limit(p);
          int total = 0;
          for (int a = 0; a < p.anchors(); a++) {
            total += Math.min(n, p.count(a));
          }
          rows = new long[total * 3];
          for (int a = 0; a < p.anchors(); a++) {
            for (int r = 0; r < Math.min(n, p.count(a)); r++) {
              rows[w++] = p.anchorId(a);
              rows[w++] = p.positiveId(a);
              rows[w++] = p.candidateId(a, r);
            }
          }
          Npy.writeLongs(out, rows, total, 3);
        }
        default -> throw new UserInputException("--format must be triplet, n-tuple or npy, got '" + format + "'");
      }
      return 0;
    }

    /** Item texts when the pool was mined from a text corpus: JSONL then carries texts, not ids. */
    private java.util.List<String> texts;

    private String cell(long id) {
      if (texts == null) {
        return Long.toString(id);
      }
      if (id < 0 || id >= texts.size()) {
        throw new UserInputException(dir + ": item id " + id + " has no text in " + dev.negmine.cli.train.TextJobs.POOL_TEXTS);
      }
      return dev.negmine.core.io.Json.write(texts.get((int) id));
    }

    private int limit(CandidatePool p) {
      if (negatives != null && negatives < 1) {
        throw new UserInputException("--negatives must be >= 1, got " + negatives);
      }
      if (negatives != null) {
        return negatives;
      }
      int max = 0;
      for (int a = 0; a < p.anchors(); a++) {
        max = Math.max(max, p.count(a));
      }
      return max;
    }

    void writeJsonl(CandidatePool p, boolean triplet, int n, Writer w) throws IOException {
      for (int a = 0; a < p.anchors(); a++) {
        if (triplet) {
          for (int r = 0; r < Math.min(n, p.count(a)); r++) {
            w.write("{\"anchor\": " + cell(p.anchorId(a)) + ", \"positive\": " + cell(p.positiveId(a)) + ", \"negative\": "
                + cell(p.candidateId(a, r)) + "}\n");
          }
        } else if (n > 0 && p.count(a) >= n) {
          StringBuilder sb = new StringBuilder();
          sb.append("{\"anchor\": ").append(cell(p.anchorId(a))).append(", \"positive\": ").append(cell(p.positiveId(a)));
          for (int r = 0; r < n; r++) {
            sb.append(", \"negative_").append(r + 1).append("\": ").append(cell(p.candidateId(a, r)));
          }
          w.write(sb.append("}\n").toString());
        }
      }
    }
  }

  /**
   * {@code negmine pool import}: Parquet parts ({@code spark-mine --output parts}) to a pool
   * directory. Holds no Spark types: the work is {@code dev.negmine.spark.PoolParts}, loaded only
   * here, with Spark from {@code target/spark-lib} (bin/negmine adds it for this command).
   */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Convert the Parquet parts of negmine spark-mine --output parts into a pool directory "
          + "(the pool the driver would have assembled, byte for byte), written atomically.")
  static final class Import implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PARTS_DIR", description = "The parts directory (part-*.parquet + manifest.json).")
    Path parts;

    @Option(names = "--out", required = true, description = "Pool directory to write (replaced atomically).")
    Path out;

    @Override
    public Integer call() throws IOException {
      try {
        Class.forName("org.apache.spark.sql.SparkSession", false, getClass().getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new UserInputException("Spark is not on the class path: run it as bin/negmine pool import (which adds "
            + "negmine-cli/target/spark-lib)");
      }
      OutputGuards.poolDir(out, parts);
      PoolManifest m = dev.negmine.spark.PoolParts.importTo(parts, out);
      System.out.printf(Locale.ROOT, "wrote %s: %s anchors, %s candidates, expires %s%n", out,
          m.counts().get("anchors"), m.counts().get("candidates"), m.expiresAt());
      return 0;
    }
  }
}
