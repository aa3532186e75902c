package dev.negmine.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiny end-to-end runs of the more-negatives recipes (hierarchical: stratified batches and the
 * group-stratified queue tier; mochi: synthetic hard negatives) and their validation.
 */
class MoreNegativesCliTest {
  @Test
  void mochiReportsSyntheticNegativesAsASource(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("m");
    CliRun.Outcome r = train(tmp, "mochi", out);
    assertEquals(0, r.code(), r.err());
    String metrics = Files.readString(out.resolve("metrics.jsonl"));
    assertTrue(metrics.contains("\"synthetic\":{\"count\""), "synthetic negatives reported per step");
    assertTrue(Files.readString(out.resolve("report.html")).contains("synthetic"), "and in the report");
  }

  @Test
  void hierarchicalStratifiesBatchesAndTheQueue(@TempDir Path tmp) throws Exception {
    Path groups = tmp.resolve("groups.txt");
    Files.writeString(groups, "0 a\n1 a\n2 b\n3 b\n");
    Path out = tmp.resolve("h");
    CliRun.Outcome r = train(tmp, "hierarchical", out, "--groups", groups.toString(), "--stratify", "2/2");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.readString(out.resolve("metrics.jsonl")).contains("\"queue\":{\"count\""));
    assertTrue(Files.readString(out.resolve("config.json")).contains("stratifyClasses"));
  }

  @Test
  void badSettingsAreOneLineErrors(@TempDir Path tmp) throws Exception {
    TrainCommandTest.assertBadInput(train(tmp, "simclr", tmp.resolve("a")), "augmentation needs square single-channel images");
    TrainCommandTest.assertBadInput(train(tmp, "facenet", tmp.resolve("b"), "--synthetic"), "need negative sources");
    TrainCommandTest.assertBadInput(train(tmp, "facenet", tmp.resolve("c"), "--tier"), "need negative sources");
    TrainCommandTest.assertBadInput(train(tmp, "mochi", tmp.resolve("d"), "--synthetic", "pairs=x"), "is not a number");
    TrainCommandTest.assertBadInput(train(tmp, "facenet", tmp.resolve("e"), "--groups", tmp.resolve("none").toString(),
        "--stratify", "2"), "neither 'fashion-mnist' nor a readable file");
  }

  private static CliRun.Outcome train(Path tmp, String recipe, Path out, String... extra) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    if (!Files.exists(x)) {
      TrainCommandTest.blobs(x, y, 160, 8, 1);
    }
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--data", x.toString(), "--labels",
        y.toString(), "--encoder", "mlp", "--epochs", "2", "--batch", "32", "--m-per-class", "8", "--no-progress", "--recipe",
        recipe, "--out", out.toString()));
    args.addAll(java.util.List.of(extra));
    return CliRun.run(args.toArray(String[]::new));
  }
}
