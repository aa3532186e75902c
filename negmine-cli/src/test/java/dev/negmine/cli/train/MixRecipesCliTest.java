package dev.negmine.cli.train;

import static dev.negmine.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny end-to-end runs of the mixing recipes through the CLI. */
class MixRecipesCliTest {

  private static CliRun.Outcome train(Path tmp, String recipe, Path out, String... extra) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    if (!Files.exists(x)) {
      TrainCommandTest.blobs(x, y, 160, 8, 1);
    }
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data", x.toString(), "--labels", y.toString(),
        "--encoder", "mlp", "--epochs", "2", "--batch", "32", "--m-per-class", "8", "--no-progress", "--recipe", recipe,
        "--out", out.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void pinterestMinesAPoolRefreshesItAndReportsEverySource(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("p");
    CliRun.Outcome r = train(tmp, "pinterest", out);
    assertEquals(0, r.code(), r.err());
    String metrics = Files.readString(out.resolve("metrics.jsonl"));
    assertTrue(metrics.contains("\"offline\":{\"count\""), "offline negatives used");
    assertTrue(metrics.contains("\"random\":{\"count\""), "random negatives used");
    assertTrue(metrics.contains("\"in-batch\":{\"count\""), "in-batch negatives used");
    assertTrue(metrics.contains("\"type\":\"pool_refresh\""), "the pool was re-mined on schedule");
    assertTrue(Files.isDirectory(out.resolve("pools")), "pools kept for resume");
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("Negative sources") && html.contains("source-loss-share.png"), "per-source report");
    assertTrue(Files.exists(out.resolve("source-suspected-false-negatives.png")));
  }

  @Test
  void mocoTrainsFromTheQueueAfterWarmUp(@TempDir Path tmp) throws Exception {
    Path full = tmp.resolve("full");
    CliRun.Outcome r = train(tmp, "moco", full, "--checkpoint-every", "3");
    assertEquals(0, r.code(), r.err());
    String metrics = Files.readString(full.resolve("metrics.jsonl"));
    assertTrue(metrics.contains("\"queue\":{\"count\""), "queue negatives used after warm-up");
    assertTrue(metrics.contains("\"queue_warm\":true"));

  }

  @Test
  void queueAndPoolOptionsAreValidated(@TempDir Path tmp) throws Exception {
    TrainCommandTest.assertBadInput(train(tmp, "facenet", tmp.resolve("a"), "--momentum", "0.99"), "--momentum needs a memory queue");
    TrainCommandTest.assertBadInput(train(tmp, "facenet", tmp.resolve("b"), "--mix", "queue=1"), "no queue is set");
    TrainCommandTest.assertBadInput(train(tmp, "pinterest", tmp.resolve("c"), "--pool-expiry", "sometimes"), "expiry policy");
    TrainCommandTest.assertBadInput(train(tmp, "facenet", tmp.resolve("d"), "--mix", "bogus=1"), "unknown negative source");
    TrainCommandTest.assertBadInput(train(tmp, "facenet", tmp.resolve("e"), "--pool", tmp.resolve("nope").toString()),
        "cannot read the candidate pool");
  }
}
