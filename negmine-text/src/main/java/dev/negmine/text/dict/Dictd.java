package dev.negmine.text.dict;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A dictd dictionary as Debian installs it: {@code NAME.index} (headword TAB offset TAB length,
 * numbers in dictd's base64) and {@code NAME.dict.dz} (dictzip, which is gzip with an extra header
 * field, so {@link GZIPInputStream} reads it). Stateless; thread-safe.
 */
public final class Dictd {
  private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  /**
   * One entry: its raw text and the index headwords pointing at it.
   *
   * @param text the entry as stored (headword lines, a blank line, the indented body)
   * @param headwords index headwords (lower-case in FOLDOC) in index order
   */
  public record Entry(String text, List<String> headwords) {}

  private Dictd() {}

  /** Decodes a dictd base64 number. */
  static long b64(String s, Path file, int line) throws IOException {
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = B64.indexOf(s.charAt(i));
      if (d < 0) {
        throw new IOException(file + ":" + line + ": '" + s + "' is not a dictd base64 number");
      }
      v = v * 64 + d;
    }
    return v;
  }

  /** The entries of dictionary {@code name} in {@code dir}, in data-file order; entries several headwords share appear once. */
  public static List<Entry> read(Path dir, String name) throws IOException {
    Path index = dir.resolve(name + ".index");
    Path data = dir.resolve(name + ".dict.dz");
    if (!Files.isRegularFile(index) || !Files.isRegularFile(data)) {
      throw new IOException(index + ": missing (install the Debian package dict-" + name + ")");
    }
    byte[] bytes;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(data), 1 << 16)) {
      bytes = in.readAllBytes();
    }
    Map<Long, List<String>> heads = new LinkedHashMap<>();
    Map<Long, Long> lengths = new java.util.HashMap<>();
    List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String[] c = lines.get(i).split("\t");
      if (c.length < 3) {
        throw new IOException(index + ":" + (i + 1) + ": expected headword, offset, length separated by tabs");
      }
      long off = b64(c[1], index, i + 1);
      long len = b64(c[2], index, i + 1);
      if (off + len > bytes.length) {
        throw new IOException(index + ":" + (i + 1) + ": entry runs past the end of " + data);
      }
      heads.computeIfAbsent(off, k -> new ArrayList<>()).add(c[0]);
      lengths.put(off, len);
    }
    List<Long> offsets = new ArrayList<>(heads.keySet());
    offsets.sort(null);
    List<Entry> out = new ArrayList<>(offsets.size());
    for (long off : offsets) {
      String text = new String(bytes, (int) off, (int) (long) lengths.get(off), StandardCharsets.UTF_8);
      out.add(new Entry(text, List.copyOf(heads.get(off))));
    }
    return out;
  }
}
