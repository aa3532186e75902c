package dev.negmine.cli.train;

import static dev.negmine.cli.CliRun.run;
import static dev.negmine.cli.train.TrainCommandTest.assertBadInput;
import static dev.negmine.cli.train.TrainCommandTest.blobs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.negmine.cli.CliRun;
import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.metrics.RetrievalConfig;
import dev.negmine.core.metrics.RetrievalMetrics;
import dev.negmine.core.metrics.RetrievalResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareHeldOutTest {
  private static final RetrievalConfig COSINE = RetrievalConfig.defaults().withDistance(Distance.COSINE);

  /** The reference: what {@code negmine eval --model RUN --data X --labels Y} computes, on the first {@code n} items. */
  private static RetrievalResult reference(Path run, Path x, Path y, int n) throws Exception {
    Path xs = run.resolveSibling(run.getFileName() + "-x.npy");
    Path ys = run.resolveSibling(run.getFileName() + "-y.npy");
    firstRows(x, y, n, xs, ys);
    ModelEval.Embedded e = ModelEval.embed(run, xs, ys);
    return RetrievalMetrics.evaluate(e.embeddings(), e.labels(), COSINE);
  }

  private static void firstRows(Path x, Path y, int n, Path xs, Path ys) throws Exception {
    FloatMatrix f = Npy.readFloatMatrix(x);
    long[] l = Npy.readLongs(y);
    Npy.write(xs, f.gather(IntStream.range(0, n).toArray()));
    Npy.writeLongs(ys, Arrays.copyOf(l, n), n);
  }

  private static JsonObject json(Path p) throws Exception {
    return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
  }

  @Test
  void heldOutFiguresAreThoseOfEvalOnTheSameItemsAndReuseKeepsFinishedRuns(@TempDir Path tmp) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    Path hx = tmp.resolve("hx.npy");
    Path hy = tmp.resolve("hy.npy");
    blobs(x, y, 128, 8, 3);
    blobs(hx, hy, 100, 8, 4);
    Path out = tmp.resolve("cmp");
    String[] args = {"compare", "--recipes", "facenet,random", "--seeds", "2", "--data", x.toString(), "--labels", y.toString(),
        "--encoder", "mlp", "--epochs", "2", "--batch", "32", "--out", out.toString(), "--held-out", hx.toString(),
        "--held-out-labels", hy.toString(), "--held-out-items", "80", "--base", "random=facenet"};
    CliRun.Outcome r = run(args);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("raw features") && r.out().contains("random"), r.out());

    JsonObject cmp = json(out.resolve("compare.json"));
    double[][] held = new double[2][2];
    String[] recipes = {"facenet", "random"};
    for (int i = 0; i < 2; i++) {
      for (int s = 0; s < 2; s++) {
        Path runDir = out.resolve(recipes[i] + "-seed" + (s + 1));
        RetrievalResult ref = reference(runDir, hx, hy, 80);
        JsonObject stored = json(runDir.resolve(HeldOut.FILE)).getAsJsonObject("metrics");
        assertEquals(ref.mapAtR(), stored.get("map_at_r").getAsDouble(), 1e-9);
        assertEquals(ref.precisionAt1(), stored.get("p_at_1").getAsDouble(), 1e-9);
        held[i][s] = ref.mapAtR();
        JsonObject perRun = cmp.getAsJsonObject("recipes").getAsJsonObject(recipes[i]).getAsJsonArray("runs").get(s).getAsJsonObject();
        assertEquals(ref.mapAtR(), perRun.getAsJsonObject("held_out").get("map_at_r").getAsDouble(), 1e-9);
      }
    }
    JsonObject random = cmp.getAsJsonObject("recipes").getAsJsonObject("random");
    double meanF = (held[0][0] + held[0][1]) / 2;
    double meanR = (held[1][0] + held[1][1]) / 2;
    assertEquals(meanR, random.get("held_out_map_at_r_mean").getAsDouble(), 1e-9);
    assertEquals(Math.abs(held[1][0] - held[1][1]) / Math.sqrt(2), random.get("held_out_map_at_r_sd").getAsDouble(), 1e-9);
    assertEquals(meanR - meanF, random.get("held_out_map_at_r_vs_base").getAsDouble(), 1e-9);

    // raw features: the same items' features as read, scored by eval
    Path rx = tmp.resolve("rx.npy");
    Path ry = tmp.resolve("ry.npy");
    firstRows(hx, hy, 80, rx, ry);
    RetrievalResult raw = RetrievalMetrics.evaluate(Npy.readFloatMatrix(rx), Npy.readLongs(ry), COSINE);
    assertEquals(raw.mapAtR(), cmp.getAsJsonObject("raw_features").get("map_at_r").getAsDouble(), 1e-9);
    assertEquals(meanR - raw.mapAtR(), random.get("held_out_map_at_r_vs_raw").getAsDouble(), 1e-9);

    // a second comparison over the same directory refuses without --reuse; with it, trains nothing
    assertBadInput(run(args), "already holds a comparison");
    String summary = Files.readString(out.resolve("facenet-seed1").resolve("summary.json"));
    String metrics = Files.readString(out.resolve("random-seed2").resolve("metrics.jsonl"));
    String[] again = Arrays.copyOf(args, args.length + 1);
    again[args.length] = "--reuse";
    CliRun.Outcome r2 = run(again);
    assertEquals(0, r2.code(), r2.err());
    assertTrue(r2.err().contains("finished run kept"), r2.err());
    assertEquals(summary, Files.readString(out.resolve("facenet-seed1").resolve("summary.json")));
    assertEquals(metrics, Files.readString(out.resolve("random-seed2").resolve("metrics.jsonl")));
    assertEquals(meanR - meanF, json(out.resolve("compare.json")).getAsJsonObject("recipes").getAsJsonObject("random")
        .get("held_out_map_at_r_vs_base").getAsDouble(), 1e-9);
  }

  @Test
  void badHeldOutOptionsGetOneLine(@TempDir Path tmp) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    blobs(x, y, 64, 8, 1);
    String[] common = {"compare", "--recipes", "facenet,random", "--data", x.toString(), "--labels", y.toString(), "--encoder", "mlp",
        "--epochs", "1", "--batch", "32", "--out", tmp.resolve("c").toString()};
    assertBadInput(run(concat(common, "--base", "random=moco")), "'moco' is not among --recipes");
    assertBadInput(run(concat(common, "--base", "random")), "expected RECIPE=BASE");
    assertBadInput(run(concat(common, "--held-out-items", "5")), "need --held-out");
    assertBadInput(run(concat(common, "--held-out", x.toString(), "--held-out-labels", y.toString(), "--held-out-items", "65")),
        "exceeds the 64 items");
  }

  @Test
  void reuseRefusesARunOfAnotherConfiguration(@TempDir Path tmp) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    blobs(x, y, 64, 8, 1);
    Path out = tmp.resolve("c");
    String[] a = {"compare", "--recipes", "facenet", "--data", x.toString(), "--labels", y.toString(), "--encoder", "mlp",
        "--epochs", "1", "--batch", "32", "--out", out.toString()};
    assertEquals(0, run(a).code());
    String[] b = a.clone();
    b[Arrays.asList(b).indexOf("--epochs") + 1] = "2";
    assertBadInput(run(concat(b, "--reuse")), "holds a run of another configuration");
  }

  @Test
  void strategyOptionsReachEveryRunAsInTrain(@TempDir Path tmp) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    blobs(x, y, 128, 8, 5);
    Path g = tmp.resolve("groups.txt");
    Files.writeString(g, "0 a\n1 a\n2 b\n3 b\n");
    String[] common = {"--data", x.toString(), "--labels", y.toString(), "--encoder", "mlp", "--epochs", "2", "--batch", "32",
        "--groups", g.toString(), "--stratify", "2/1"};
    Path cmp = tmp.resolve("cmp");
    assertEquals(0, run(concat(concat(new String[] {"compare", "--recipes", "facenet", "--out", cmp.toString()}, common))).code());
    Path single = tmp.resolve("single");
    CliRun.Outcome t = run(concat(concat(new String[] {"train", "--recipe", "facenet", "--seed", "1", "--no-progress", "--out",
        single.toString()}, common)));
    assertEquals(0, t.code(), t.err());
    assertEquals(Files.readString(single.resolve("config.json")), Files.readString(cmp.resolve("facenet-seed1").resolve("config.json")));
    assertTrue(Files.readString(single.resolve("config.json")).contains("stratif"), "the stratified sampler is in the configuration");
    assertEquals(json(single.resolve("summary.json")).get("final_metrics"),
        json(cmp.resolve("facenet-seed1").resolve("summary.json")).get("final_metrics"));
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
