package dev.negmine.cli.train;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.metrics.RetrievalConfig;
import dev.negmine.core.metrics.RetrievalMetrics;
import dev.negmine.core.metrics.RetrievalResult;
import dev.negmine.core.mining.Miners;
import dev.negmine.train.Evaluator;
import dev.negmine.train.MinerFactory;
import dev.negmine.train.data.DataSources;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the training commands share: data loading, the evaluator, the miner factory, exit codes. */
final class TrainSupport {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int BAD_INPUT = 2;

  static final MinerFactory MINERS = dev.negmine.train.spec.Runs.MINERS;
  static final Evaluator EVALUATOR = dev.negmine.train.spec.Runs.EVALUATOR;

  private TrainSupport() {}

  static Map<String, Double> toMap(RetrievalResult r) {
    return dev.negmine.train.spec.Runs.metrics(r);
  }

  /** The data at {@code path} (bundled data when null). */
  static LabeledData load(Path path, Path labels) throws IOException {
    return dev.negmine.train.spec.Runs.load(path == null ? null : path.toString(), labels == null ? null : labels.toString());
  }

  /**
   * Runs {@code body}, turning every failure into one line and an exit code ({@link
   * dev.negmine.cli.Failures}): 2 for what the user can fix, 1 for negmine's own bugs.
   */
  static int guard(String command, PrintStream err, Body body) {
    try {
      return body.run();
    } catch (IOException | RuntimeException e) {
      dev.negmine.cli.Failures.Report r = dev.negmine.cli.Failures.of(e);
      err.println("negmine " + command + ": " + r.message());
      if (System.getenv("NEGMINE_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return r.exitCode();
    } catch (OutOfMemoryError e) {
      String note = dev.negmine.train.run.RunDirectory.noteOf(e);
      err.println("negmine " + command + ": out of memory: use a smaller --batch or data, or give the JVM more heap "
          + "(NEGMINE_JAVA_OPTS=-Xmx...)" + (note == null ? "" : " (" + note + ")"));
      return BAD_INPUT;
    }
  }

  @FunctionalInterface
  interface Body {
    int run() throws IOException;
  }

  /** Sets the JVM up for headless chart rendering before any AWT class loads. */
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }
}
