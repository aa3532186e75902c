package dev.negmine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dynamic-index bench end to end on a tiny configuration, and its input checks. */
class DynamicIndexBenchTest {
  @Test
  void tinyRunWritesJsonReportAndTheRatio(@TempDir Path dir) throws Exception {
    System.setProperty("user.home", dir.toString());
    CliRun.Outcome o = CliRun.run("bench", "dynamic-index", "--quick", "--targets", "1000", "--steps", "4",
        "--arms", "static,tree_nystrom,oracle", "--json", "--out", dir.resolve("r").toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("\"tv_ratio_vs_static\""), o.out());
    assertTrue(o.out().contains("\"tree_exact_knn_queries_per_s\""), o.out());
    assertTrue(Files.exists(dir.resolve("r/report.html")));
    assertTrue(Files.exists(dir.resolve("r/tv-since-refresh.png")));
    assertTrue(Files.readString(dir.resolve("r/dynamic-index.json")).contains("\"series\""));
  }

  @Test
  void unknownArmIsOneLineExit2() {
    CliRun.Outcome o = CliRun.run("bench", "dynamic-index", "--arms", "bogus");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("unknown arm 'bogus'"), o.err());
  }
}
