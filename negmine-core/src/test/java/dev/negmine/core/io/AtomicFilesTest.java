package dev.negmine.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesAndReplaces() throws IOException {
    Path f = dir.resolve("report.json");
    AtomicFiles.writeString(f, "{\"a\": 1}");
    assertEquals("{\"a\": 1}", Files.readString(f));
    AtomicFiles.writeStream(f, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
    assertEquals("second", Files.readString(f));
    AtomicFiles.writeBytes(f, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
    assertEquals(List.of(f), listing());
  }

  @Test
  void failedWriteLeavesEarlierFileAndNoTemp() throws IOException {
    Path f = dir.resolve("emb.npy");
    Npy.write(f, FloatMatrix.zeros(2, 2));
    byte[] before = Files.readAllBytes(f);

    IOException boom = new IOException("disk full");
    IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(f, ch -> {
      ch.write(ByteBuffer.wrap(new byte[1000]));
      throw boom;
    }));
    // a bare I/O error (as a full disk gives) comes back naming the file it was writing
    assertSame(boom, thrown.getCause());
    assertEquals(f.toAbsolutePath() + ": disk full", thrown.getMessage());
    assertArrayEquals(before, Files.readAllBytes(f));
    assertEquals(List.of(f), listing(), "no temporary file left behind");

    assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeStream(f, out -> {
      out.write(new byte[100_000]);
      throw new UncheckedIOException(new IOException("encoder failed"));
    }));
    assertArrayEquals(before, Files.readAllBytes(f));
    assertEquals(List.of(f), listing());
  }

  @Test
  void failedRenameCleansUp() throws IOException {
    Path target = dir.resolve("occupied");
    Files.createDirectory(target);
    Files.writeString(target.resolve("child"), "x");
    assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "data"));
    assertEquals(List.of(target), listing());
  }

  @Test
  void missingDirectoryFailsWithoutCreatingAnything() {
    Path f = dir.resolve("missing").resolve("x.npy");
    assertThrows(NoSuchFileException.class, () -> AtomicFiles.writeString(f, "data"));
    assertFalse(Files.exists(f.getParent()));
  }

  private List<Path> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
