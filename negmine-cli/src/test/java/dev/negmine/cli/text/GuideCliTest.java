package dev.negmine.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.negmine.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The false-negative options of fine-tuning on the command line: a guide-masked MNRL run and a
 * margin-MSE run finish on a small BEIR directory and say what the guide masked; bad
 * combinations are one line with exit 2, naming the option and the value.
 */
class GuideCliTest {
  @Test
  void guideMaskedAndMarginMseRunsFinish(@TempDir Path tmp) throws Exception {
    Path data = FineTuneCliTest.beir(Files.createDirectory(tmp.resolve("beir")));
    Path run = tmp.resolve("gist");
    CliRun.Outcome t = CliRun.run("train", "--data", data.toString(), "--max-steps", "2", "--batch", "4", "--max-length", "32",
        "--guide-model", "bge-small-en-v1.5", "--guide-margin", "0.05", "--in-loss-mask", "0.1", "--out", run.toString(),
        "--no-progress");
    assertEquals(0, t.code(), t.err());
    List<String> steps = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"loss\"")).toList();
    assertEquals(2, steps.size());
    for (String l : steps) {
      JsonObject o = JsonParser.parseString(l).getAsJsonObject();
      assertTrue(o.has("guide_masked_in_batch") && o.has("guide_masked_hard"), l);
    }
    JsonObject loss = JsonParser.parseString(Files.readString(run.resolve("retrieval.json"))).getAsJsonObject().getAsJsonObject("loss");
    assertEquals("bge-small-en-v1.5", loss.getAsJsonObject("guide").get("model").getAsString());

    Path mse = tmp.resolve("mse");
    CliRun.Outcome m = CliRun.run("train", "--data", data.toString(), "--max-steps", "2", "--batch", "4", "--max-length", "32",
        "--loss", "margin-mse", "--guide-model", "bge-small-en-v1.5", "--out", mse.toString(), "--no-progress");
    assertEquals(0, m.code(), m.err());
    assertTrue(Files.readString(mse.resolve("retrieval.json")).contains("\"margin-mse\""));
  }

  @Test
  void badCombinationsAreOneLineWithExitTwo(@TempDir Path tmp) throws Exception {
    Path data = FineTuneCliTest.beir(Files.createDirectory(tmp.resolve("beir")));
    String out = tmp.resolve("r").toString();
    String[][] cases = {
        {"--guide-model", "bert-large", "--guide-model: 'bert-large' is not a bundled encoder"},
        {"--guide-margin", "0.1", "--guide-margin 0.1 needs --guide-model NAME"},
        {"--loss", "margin-mse", "--loss margin-mse needs a teacher: give --guide-model NAME"},
        {"--loss", "triplet", "--loss is an option of the image and adapter pipeline"},
        {"--in-loss-mask", "-1", "--in-loss-mask must be in [0, 2] (a cosine margin), got -1.0"},
        {"--guide-model", "bge-small-en-v1.5", "--guide-margin-strategy", "ratio",
            "--guide-margin-strategy: expected absolute or relative, got 'ratio'"},
        {"--loss", "margin-mse", "--guide-model", "bge-small-en-v1.5", "--hard-negatives", "0",
            "--loss margin-mse needs hard negatives: --hard-negatives must be >= 1, got 0"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length - 1 + 4];
      args[0] = "train";
      args[1] = "--data";
      args[2] = data.toString();
      System.arraycopy(c, 0, args, 3, c.length - 1);
      args[args.length - 1] = "--out=" + out;
      CliRun.Outcome r = CliRun.run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().contains(c[c.length - 1]) && r.err().strip().lines().count() == 1, r.err());
      assertTrue(!Files.exists(tmp.resolve("r")), "no stub run directory");
    }
  }
}
