package dev.negmine.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.negmine.cli.Main;
import dev.negmine.train.distributed.Launcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --distributed} on retrieval data under a real mpirun with two ranks: each embeds
 * its half of every global batch, both log the same losses (the global batch's) and gradient norms
 * (all-reduced), and rank 0 alone writes the run and prints the result.
 */
class DistributedFineTuneCliTest {
  @Test
  void twoRanksFineTuneOneRun(@TempDir Path tmp) throws Exception {
    if (Launcher.mpirun() == null) {
      if ("1".equals(System.getenv("NEGMINE_SKIP_MPI"))) {
        Assumptions.abort("Open MPI not installed and NEGMINE_SKIP_MPI=1");
      }
      fail("Open MPI is not installed: apt-get install openmpi-bin libopenmpi-dev (or NEGMINE_SKIP_MPI=1 to skip)");
    }
    Path data = FineTuneCliTest.beir(Files.createDirectory(tmp.resolve("beir")));
    Path run = tmp.resolve("run");
    Path log = tmp.resolve("log");
    List<String> args = new ArrayList<>(List.of("train", "--distributed", "--data", data.toString(), "--epochs", "2", "--max-steps", "3",
        "--batch", "4", "--max-length", "32", "--lr", "1e-4", "--no-progress", "--out", run.toString()));
    Process p = new ProcessBuilder(Launcher.mpirunCommand(2, Launcher.javaCommand(Main.class.getName(), args)))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(400, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("mpirun did not finish in 400 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("negmine train [rank 1/2]") && out.contains("negmine train [rank 0/2]"), out);
    assertEquals(1, out.split("fine-tuned all-minilm-l6-v2: 3 steps", -1).length - 1, "rank 0 alone prints the result:\n" + out);
    assertTrue(Files.exists(run.resolve("summary.json")) && Files.exists(run.resolve("model/weights.safetensors")));
    assertFalse(Files.exists(run.resolve("checkpoint.bin")));
    long steps = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .filter(l -> JsonParser.parseString(l).getAsJsonObject().has("loss")).count();
    assertEquals(3, steps, "one history: rank 0's");
    JsonObject cfg = JsonParser.parseString(Files.readString(run.resolve("retrieval.json"))).getAsJsonObject();
    assertEquals(4, cfg.get("batch").getAsInt(), "the global batch");
  }
}
