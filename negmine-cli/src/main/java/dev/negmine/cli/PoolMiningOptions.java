package dev.negmine.cli;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.index.HnswParams;
import dev.negmine.index.NegativeFilters;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options every pool-mining command shares ({@code mine}, {@code spark-mine}): candidates per
 * anchor, distance, HNSW parameters, the false-negative filters, time to live, recall sample and
 * seed, parsed and validated in one place so the two commands cannot drift apart.
 */
final class PoolMiningOptions {
  @Option(names = "--top", defaultValue = "200", description = "Candidates kept per anchor (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--distance", defaultValue = "cosine", description = "cosine, dot, l2 or squared-l2 (default ${DEFAULT-VALUE}).")
  String distance;

  @Option(names = "--hnsw-m", defaultValue = "32", description = "HNSW M (default ${DEFAULT-VALUE}).")
  int m;

  @Option(names = "--ef-construction", defaultValue = "200", description = "HNSW build beam (default ${DEFAULT-VALUE}).")
  int efConstruction;

  @Option(names = "--ef", defaultValue = "256", description = "HNSW search beam (default ${DEFAULT-VALUE}).")
  int ef;

  @Option(names = "--ivf-probes", defaultValue = "24",
      description = "IVF (--index ivf): partitions scanned per anchor, of about 8 sqrt(n) (default ${DEFAULT-VALUE}).")
  int ivfProbes;

  @Option(names = "--exclude", split = ",", defaultValue = "same-label,same-id",
      description = "Exclusions: same-label, same-id, or none (default ${DEFAULT-VALUE}).")
  List<String> exclude;

  @Option(names = "--max-score", description = "Drop candidates whose similarity exceeds this.")
  Double maxScore;

  @ArgGroup(exclusive = true)
  Margin margin;

  static final class Margin {
    @Option(names = "--margin-absolute", description = "Keep a candidate only if its score < positive score - M.")
    Double absolute;

    @Option(names = "--margin-relative", description = "Keep a candidate only if its score < positive score * (1 - M).")
    Double relative;
  }

  @Option(names = "--ttl", defaultValue = "48h", description = "Time to live, e.g. 48h, 90m, 2d (default ${DEFAULT-VALUE}).")
  String ttl;

  @Option(names = "--recall-sample", defaultValue = "1000", description = "Anchors on which HNSW recall is measured (default ${DEFAULT-VALUE}).")
  int recallSample;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  /**
   * Checks every option before any data is read or index built, so a bad value fails at once
   * (each accessor also checks its own).
   */
  void validate() {
    top();
    filters();
    ttl();
    hnsw(1);
    try {
      distance();
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--distance: " + e.getMessage());
    }
    if (recallSample < 0) {
      throw new UserInputException("--recall-sample must be >= 0, got " + recallSample);
    }
    if (ivfProbes < 1) {
      throw new UserInputException("--ivf-probes must be >= 1, got " + ivfProbes);
    }
  }

  Distance distance() {
    return Distance.parse(distance);
  }

  /** {@code --top}, checked. */
  int top() {
    if (top < 1) {
      throw new UserInputException("--top must be >= 1, got " + top);
    }
    return top;
  }

  /** The exclusions, score cap and margin as filters; bad values become one-line errors. */
  NegativeFilters filters() {
    boolean sameLabel = false;
    boolean sameId = false;
    for (String x : exclude) {
      switch (x) {
        case "same-label" -> sameLabel = true;
        case "same-id" -> sameId = true;
        case "none" -> { }
        default -> throw new UserInputException("--exclude: unknown '" + x + "' (expected same-label, same-id or none)");
      }
    }
    double marginValue = margin == null ? Double.NaN : margin.absolute != null ? margin.absolute : margin.relative;
    boolean relative = margin != null && margin.relative != null;
    if (maxScore != null) {
      finite("--max-score", maxScore);
    }
    if (margin != null) {
      finite(relative ? "--margin-relative" : "--margin-absolute", marginValue);
    }
    try {
      return new NegativeFilters(sameLabel, sameId, maxScore == null ? Double.NaN : maxScore, marginValue, relative);
    } catch (IllegalArgumentException ex) {
      throw new UserInputException(ex.getMessage());
    }
  }

  /** NaN would silently mean "no filter" to the comparisons; infinities likewise. */
  private static void finite(String option, double v) {
    if (!Double.isFinite(v)) {
      throw new UserInputException(option + " must be a finite number, got " + v);
    }
  }

  /** The HNSW parameters, building with {@code threads} threads. */
  HnswParams hnsw(int threads) {
    try {
      return new HnswParams(m, efConstruction, ef, seed, threads);
    } catch (IllegalArgumentException ex) {
      throw new UserInputException(ex.getMessage());
    }
  }

  Duration ttl() {
    return parseDuration(ttl);
  }

  /** Records where and with what the pool was mined (git revision, version, vector backend, JDK, OS). */
  static void putProvenance(Map<String, Object> source) {
    source.put("git_revision", Provenance.gitRevision());
    source.put("negmine_version", "0.1.0");
    source.put("vector_backend", Similarities.backend());
    source.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
    source.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }

  /** Parses 48h, 90m, 2d, 30s or an ISO-8601 duration (PT48H); positive only. */
  static Duration parseDuration(String s) {
    try {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.startsWith("p")) {
        return positive(Duration.parse(s.trim().toUpperCase(Locale.ROOT)), s);
      }
      long v = Long.parseLong(t.substring(0, t.length() - 1));
      return positive(switch (t.charAt(t.length() - 1)) {
        case 'd' -> Duration.ofDays(v);
        case 'h' -> Duration.ofHours(v);
        case 'm' -> Duration.ofMinutes(v);
        case 's' -> Duration.ofSeconds(v);
        default -> throw new NumberFormatException();
      }, s);
    } catch (UserInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new UserInputException("--ttl: cannot read '" + s + "' (use e.g. 48h, 90m, 2d or PT48H)");
    }
  }

  /** Longest time to live accepted: past it, expiry dates leave the range of dates. */
  static final Duration MAX_TTL = Duration.ofDays(36500);

  private static Duration positive(Duration d, String s) {
    if (d.isNegative() || d.isZero()) {
      throw new UserInputException("--ttl must be positive, got " + s);
    }
    if (d.compareTo(MAX_TTL) > 0) {
      throw new UserInputException("--ttl " + s + " is longer than the 36500 days (100 years) accepted");
    }
    return d;
  }
}
