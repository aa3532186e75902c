package dev.negmine.text.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSONL text data: a byte-order mark is not data; bytes that are not UTF-8 are named by file and line. */
class TextReadersEncodingTest {
  @TempDir Path dir;

  private static final String ROWS = "{\"text\": \"a cat\", \"label\": \"x\"}\n{\"text\": \"a dog\", \"label\": \"y\"}\n"
      + "{\"text\": \"a cow\", \"label\": \"x\"}\n";

  @Test
  void aByteOrderMarkIsSkipped() throws Exception {
    Path f = dir.resolve("bom.jsonl");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    b.write(ROWS.getBytes(StandardCharsets.UTF_8));
    Files.write(f, b.toByteArray());
    TextCorpus c = TextReaders.read(f, 0, w -> { });
    assertEquals(3, c.texts().size());
    assertEquals("a cat", c.texts().get(0));
  }

  @Test
  void bytesThatAreNotUtf8AreNamedByFileAndLine() throws Exception {
    Path f = dir.resolve("latin1.jsonl");
    Files.write(f, (ROWS + "{\"text\": \"caf\u00e9\", \"label\": \"y\"}\n").getBytes(StandardCharsets.ISO_8859_1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextReaders.read(f, 0, w -> { }));
    assertTrue(e.getMessage().startsWith(f + ": line 4 is not valid UTF-8"), e.getMessage());
  }
}
