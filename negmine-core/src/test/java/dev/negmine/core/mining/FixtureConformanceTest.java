package dev.negmine.core.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conformance with the pytorch-metric-learning / TF-Addons fixtures
 * ({@code src/test/resources/fixtures/pml/README.md}): exact rows for {@code small/}, count and
 * SHA-256 of the sorted rows for {@code medium/}.
 */
class FixtureConformanceTest {
  private static final String ROOT = "/fixtures/pml/";
  private static final Pattern ENTRY =
      Pattern.compile("\"([a-z-]+)\":\\s*\\{\\s*\"count\":\\s*(\\d+),\\s*\"sha256\":\\s*\"([0-9a-f]+)\"");

  record Expected(long count, String sha256) {}

  @ParameterizedTest
  @ValueSource(strings = {"batch-hard", "cos-batch-hard", "semihard-band", "hard-band", "all-band", "easy-band", "semihard-tf"})
  void smallFixtureRowsMatchExactly(String preset) throws IOException {
    Triplets got = mine("small", preset);
    long[] expected = NpyTestReader.read(ROOT + "small/" + preset + ".npy").longs();
    assertEquals(expected.length / 3, got.size(), preset + " row count");
    long[] rows = got.toRowMajor();
    for (int r = 0; r < got.size(); r++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(expected[3 * r + c], rows[3 * r + c], preset + " row " + r + " column " + c);
      }
    }
    assertEquals(expectations("small").get(preset), new Expected(got.size(), sha256(got)), preset);
  }

  @ParameterizedTest
  @ValueSource(strings = {"batch-hard", "cos-batch-hard", "semihard-band", "hard-band", "all-band", "easy-band", "semihard-tf"})
  void mediumFixtureCountAndHashMatch(String preset) throws IOException {
    Triplets got = mine("medium", preset);
    assertEquals(expectations("medium").get(preset), new Expected(got.size(), sha256(got)), preset);
  }

  static Triplets mine(String fixture, String preset) throws IOException {
    NpyTestReader.Array emb = NpyTestReader.read(ROOT + fixture + "/emb.npy");
    long[] labels = NpyTestReader.read(ROOT + fixture + "/labels.npy").longs();
    FloatMatrix e = FloatMatrix.of(emb.rows(), emb.cols(), emb.floats());
    return Miners.create(preset, MinerConfig.defaults()).mine(e, labels, null).sorted();
  }

  /** SHA-256 of the rows as little-endian int64, row-major, the fixtures' hash. */
  static String sha256(Triplets sorted) {
    long[] rows = sorted.toRowMajor();
    ByteBuffer b = ByteBuffer.allocate(rows.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(rows);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, Expected> expectations(String fixture) throws IOException {
    String json;
    try (InputStream in = FixtureConformanceTest.class.getResourceAsStream(ROOT + fixture + "/expected.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, Expected> out = new LinkedHashMap<>();
    Matcher m = ENTRY.matcher(json);
    while (m.find()) {
      out.put(m.group(1), new Expected(Long.parseLong(m.group(2)), m.group(3)));
    }
    return out;
  }
}
