package dev.negmine.cli;

import dev.negmine.core.io.DataChecks;
import dev.negmine.core.io.OutputPaths;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.pool.PoolFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The commands' one-line calls into the output rule and the data checks ({@link OutputPaths},
 * {@link DataChecks}), so each command states its outputs and inputs once, before any work.
 */
final class OutputGuards {
  private OutputGuards() {}

  /** {@code --out} of a pool (or parts) directory, against every input the command reads. */
  static void poolDir(Path out, Path... inputs) throws IOException {
    OutputPaths.checkDirectory("--out", out, Arrays.asList(inputs), PoolFiles.KIND, PoolFiles::isPoolDirectory);
  }

  /** Every path of the arguments (single paths or lists; nulls skipped), as inputs for the checks. */
  static Path[] paths(Object... inputs) {
    java.util.List<Path> out = new java.util.ArrayList<>();
    for (Object o : inputs) {
      if (o instanceof Path p) {
        out.add(p);
      } else if (o instanceof java.util.Collection<?> c) {
        c.forEach(x -> out.add((Path) x));
      }
    }
    return out.toArray(Path[]::new);
  }

  private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
      "local(\\[(\\*|[1-9][0-9]*)(,[0-9]+)?])?|local-cluster\\[[0-9]+,[0-9]+,[0-9]+]|(spark|k8s|mesos)://\\S+|yarn");

  /** A Spark master URL Spark can parse (checked here so a typo fails in one line, before Spark starts). */
  static void sparkMaster(String master) {
    if (master != null && !MASTER.matcher(master).matches()) {
      throw new UserInputException("--master: '" + master + "' is not a Spark master URL (local, local[N], local[*], "
          + "spark://HOST:PORT, yarn, k8s://..., mesos://...)");
    }
  }

  /** {@code --out} of a file, against every input the command reads. */
  static void file(Path out, Path... inputs) throws IOException {
    OutputPaths.checkFile("--out", out, Arrays.asList(inputs));
  }

  /**
   * Embeddings and labels for mining or evaluation, checked: finite, usable labels (two classes,
   * some positive), and scale-safe: for cosine rows of extreme scale normalised in double (the result), else
   * magnitudes that float32 products can hold.
   */
  static FloatMatrix checkedData(FloatMatrix e, long[] labels, Path embeddings, Path labelFile, Distance d) throws IOException {
    String src = String.valueOf(embeddings);
    DataChecks.requireFiniteRows(e, src);
    DataChecks.requireUsableLabels(labels, String.valueOf(labelFile != null ? labelFile : embeddings));
    if (d == Distance.COSINE) {
      FloatMatrix c = DataChecks.cosineSafe(e, src);
      CliIo.requireNonZeroRows(c, embeddings, "cosine needs non-zero vectors");
      return c;
    }
    DataChecks.requireSafeMagnitude(e, src);
    return e;
  }
}
