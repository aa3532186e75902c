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

/**
 * Tiny end-to-end runs of the dynamic tree-index negative source (softmax draws over every item's
 * embedding, log-Q corrected) through the CLI.
 */
class DynamicNegativesCliTest {

  private static CliRun.Outcome train(Path tmp, Path out, String... extra) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    if (!Files.exists(x)) {
      TrainCommandTest.blobs(x, y, 160, 8, 1);
    }
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data", x.toString(), "--labels", y.toString(),
        "--encoder", "mlp", "--epochs", "2", "--batch", "32", "--m-per-class", "8", "--no-progress", "--out", out.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void infoNceWithDynamicNegativesTrainsAndReportsTheSource(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("d");
    CliRun.Outcome r = train(tmp, out, "--negatives", "dynamic", "--dynamic-landmarks", "16", "--slots", "6");
    assertEquals(0, r.code(), r.err());
    String metrics = Files.readString(out.resolve("metrics.jsonl"));
    assertTrue(metrics.contains("\"dynamic\":{\"drawn\""), "dynamic draws reported");
    assertTrue(metrics.contains("\"encoded_rows\""), "encoder cost reported");
    assertTrue(Files.readString(out.resolve("cli.json")).contains("\"negatives\": \"dynamic\""));
    assertTrue(!metrics.contains("NaN"), "finite figures: " + metrics.lines().filter(l -> l.contains("NaN")).findFirst().orElse(""));
  }

  @Test
  void theMixerTakesADynamicShareWithTheTripletLoss(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("m");
    CliRun.Outcome r = train(tmp, out, "--mix", "in-batch=0.5,dynamic=0.5", "--dynamic-landmarks", "16");
    assertEquals(0, r.code(), r.err());
    String metrics = Files.readString(out.resolve("metrics.jsonl"));
    assertTrue(metrics.contains("\"dynamic\":{\"count\""), "dynamic slots used by the mixer");
  }

  @Test
  void dynamicOptionsAreValidated(@TempDir Path tmp) throws Exception {
    TrainCommandTest.assertBadInput(train(tmp, tmp.resolve("a"), "--negatives", "bogus"), "--negatives");
    TrainCommandTest.assertBadInput(train(tmp, tmp.resolve("b"), "--negatives", "dynamic", "--mix", "random=1"),
        "--negatives dynamic");
    TrainCommandTest.assertBadInput(train(tmp, tmp.resolve("c"), "--dynamic-landmarks", "8"), "need --queue");
    // every source trains with every loss: dynamic draws under the contrastive loss run through the mixer
    CliRun.Outcome r = train(tmp, tmp.resolve("d"), "--negatives", "dynamic", "--loss", "contrastive");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.readString(tmp.resolve("d").resolve("metrics.jsonl")).contains("\"dynamic\":{\"count\""));
  }
}
