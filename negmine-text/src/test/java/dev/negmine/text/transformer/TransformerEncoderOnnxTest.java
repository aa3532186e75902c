package dev.negmine.text.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.TextEncoder;
import dev.negmine.text.TextEncoders;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DJL block with the ONNX file's weights against ONNX Runtime running that same file (the
 * frozen-encoder path): every text's cosine >= 0.9999, truncated, tiny and non-ASCII texts included.
 */
class TransformerEncoderOnnxTest {
  @ParameterizedTest
  @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5"})
  void forwardEqualsOnnxRuntime(String model) {
    List<String> texts = TestTexts.make(210, 16);
    try (TransformerEncoder ours = TransformerEncoder.pretrained(model);
         TextEncoder ort = TextEncoders.create(model, 1)) {
      int[] lengths = lengthsOf(ours, texts);
      long truncated = java.util.Arrays.stream(lengths).filter(l -> l == ours.spec().maxLength()).count();
      assertTrue(truncated >= 10, "texts cut at the maximum length: " + truncated);
      long t0 = System.nanoTime();
      FloatMatrix a = ours.encode(texts, Role.DOCUMENT);
      long t1 = System.nanoTime();
      FloatMatrix b = FloatMatrix.zeros(texts.size(), a.cols());
      for (int[] bucket : ours.buckets(texts, 32, 32L * 128)) {
        // ONNX Runtime pads a batch to its longest text: batches of similar lengths keep the test short
        List<String> part = java.util.Arrays.stream(bucket).mapToObj(texts::get).toList();
        FloatMatrix e = ort.encode(part);
        for (int j = 0; j < bucket.length; j++) {
          System.arraycopy(e.row(j), 0, b.data(), b.offset(bucket[j]), b.cols());
        }
      }
      long t2 = System.nanoTime();
      System.out.printf("%s: DJL %.1f s, ONNX Runtime %.1f s%n", model, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
      assertEquals(b.cols(), a.cols());
      double worst = 1;
      for (int i = 0; i < texts.size(); i++) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.cols(); k++) {
          dot += (double) a.get(i, k) * b.get(i, k);
          na += (double) a.get(i, k) * a.get(i, k);
          nb += (double) b.get(i, k) * b.get(i, k);
        }
        double cos = dot / Math.sqrt(na * nb);
        worst = Math.min(worst, cos);
        assertTrue(cos >= 0.9999, model + ": text " + i + " '" + abbreviate(texts.get(i)) + "' cosine " + cos);
        assertEquals(1.0, Math.sqrt(na), 1e-4, "normalised");
      }
      System.out.printf("%s: %d texts, %d truncated, worst cosine to ONNX Runtime %.7f%n", model, texts.size(), truncated, worst);
    }
  }

  private static int[] lengthsOf(TransformerEncoder enc, List<String> texts) {
    int[] out = new int[texts.size()];
    for (int i = 0; i < texts.size(); i++) {
      out[i] = enc.tokenize(List.of(texts.get(i))).lengths()[0];
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
