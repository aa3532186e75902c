package dev.negmine.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code checkpoint.bin} layout, field by field, and a round trip through it. */
class CheckpointTest {
  private static Checkpoint sample() {
    return new Checkpoint("{\"a\":1}", "{\"p\":2}", new Checkpoint.Position(3, 4, 25), new byte[] {9, 8, 7},
        new Checkpoint.OptimizerState(25, List.of(new float[] {1.5f, -2f}, new float[] {})), 1234, new byte[] {5});
  }

  @Test
  void bytesFollowTheDocumentedLayout() throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(expected);
    out.write("NMCKPT".getBytes(StandardCharsets.US_ASCII));
    out.writeInt(Checkpoint.VERSION);
    out.writeInt(7);
    out.write("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    out.writeInt(7);
    out.write("{\"p\":2}".getBytes(StandardCharsets.UTF_8));
    out.writeInt(3);
    out.writeInt(4);
    out.writeLong(25);
    out.writeInt(3);
    out.write(new byte[] {9, 8, 7});
    out.writeLong(25);
    out.writeInt(2);
    out.writeInt(2);
    out.writeFloat(1.5f);
    out.writeFloat(-2f);
    out.writeInt(0);
    out.writeLong(1234);
    out.writeInt(1);
    out.write(5);
    assertArrayEquals(expected.toByteArray(), sample().toBytes());
  }

  @Test
  void roundTrip() throws IOException {
    Checkpoint c = Checkpoint.fromBytes(sample().toBytes());
    assertEquals("{\"a\":1}", c.configJson());
    assertEquals(new Checkpoint.Position(3, 4, 25), c.position());
    assertArrayEquals(new byte[] {9, 8, 7}, c.weights());
    assertEquals(25, c.optimizer().steps());
    assertArrayEquals(new float[] {1.5f, -2f}, c.optimizer().arrays().get(0));
    assertEquals(1234, c.metricsBytes());
    assertArrayEquals(new byte[] {5}, c.sources());
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint.Position(-1, 0, 0));
  }
}
