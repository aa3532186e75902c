package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loss options in retrieval.json: files written before them read as plain MNRL; new ones round-trip; bad mixes are refused. */
class LossConfigTest {
  private static final Gson GSON = new com.google.gson.GsonBuilder().serializeSpecialFloatingPointValues().create();

  private static FineTuneConfig withLoss(FineTuneConfig.Loss loss, int hard) {
    FineTuneConfig d = FineTuneConfig.defaults("data");
    return new FineTuneConfig(d.model(), d.data(), d.batch(), d.maxLength(), d.seed(), d.schedule(), loss,
        new FineTuneConfig.Negatives(hard, d.negatives().mining(), 0));
  }

  @Test
  void aConfigurationWithoutTheNewFieldsReadsAsPlainMnrl(@TempDir Path dir) throws Exception {
    JsonObject o = JsonParser.parseString(GSON.toJson(FineTuneConfig.defaults("data"))).getAsJsonObject();
    JsonObject loss = new JsonObject(); // the loss object as earlier versions wrote it
    loss.addProperty("scale", 20.0);
    loss.addProperty("symmetric", true);
    o.add("loss", loss);
    Files.writeString(dir.resolve("retrieval.json"), o.toString());
    FineTuneConfig c = FineTuning.readConfig(dir);
    assertEquals(new FineTuneConfig.Loss(20, true), c.loss());
    assertEquals(FineTuneConfig.Kind.MNRL, c.loss().kind());
    assertNull(c.loss().guide());
    assertNull(c.loss().inLossMargin());
  }

  @Test
  void guideAndMarginMseRoundTrip(@TempDir Path dir) throws Exception {
    FineTuneConfig.Guide g = new FineTuneConfig.Guide("bge-small-en-v1.5", 0.05, FineTuneConfig.MarginStrategy.RELATIVE);
    for (FineTuneConfig.Loss l : new FineTuneConfig.Loss[] {new FineTuneConfig.Loss(20, false, null, 0.1, g),
        new FineTuneConfig.Loss(20, false, FineTuneConfig.Kind.MARGIN_MSE, null, g)}) {
      FineTuneConfig c = withLoss(l, 1);
      String json = GSON.toJson(c);
      Files.writeString(dir.resolve("retrieval.json"), json);
      assertEquals(c, FineTuning.readConfig(dir), json);
    }
  }

  @Test
  void marginMseNeedsATeacherAndHardNegatives() {
    FineTuneConfig.Guide g = new FineTuneConfig.Guide("bge-small-en-v1.5", 0, null);
    assertEquals("--loss margin-mse needs a teacher: give --guide-model NAME", assertThrows(IllegalArgumentException.class,
        () -> new FineTuneConfig.Loss(20, false, FineTuneConfig.Kind.MARGIN_MSE, null, null)).getMessage());
    assertEquals("--loss margin-mse needs hard negatives: --hard-negatives must be >= 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> withLoss(new FineTuneConfig.Loss(20, false, FineTuneConfig.Kind.MARGIN_MSE, null, g), 0))
        .getMessage());
    assertEquals("--in-loss-mask must be in [0, 2] (a cosine margin), got -0.1", assertThrows(IllegalArgumentException.class,
        () -> new FineTuneConfig.Loss(20, false, null, -0.1, null)).getMessage());
  }
}
