package dev.negmine.text.weights;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.negmine.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to its dtype, shape and byte range, then the raw little-endian data.
 * Only F32 tensors are written and read. Writes go to a temporary file made visible by one atomic
 * rename. Stateless; thread-safe.
 */
public final class Safetensors {
  private Safetensors() {}

  /**
   * Writes {@code tensors} in order, with string {@code metadata} under {@code __metadata__}.
   *
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject meta = new JsonObject();
      metadata.forEach(meta::addProperty);
      header.add("__metadata__", meta);
    }
    long offset = 0;
    for (Tensor t : tensors) {
      JsonObject e = new JsonObject();
      e.addProperty("dtype", "F32");
      com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
      for (long d : t.shape()) {
        shape.add(d);
      }
      e.add("shape", shape);
      com.google.gson.JsonArray range = new com.google.gson.JsonArray();
      range.add(offset);
      offset += 4L * t.data().length;
      range.add(offset);
      e.add("data_offsets", range);
      header.add(t.name(), e);
    }
    byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    int pad = (8 - json.length % 8) % 8; // the format allows trailing spaces; aligned data is friendlier to mmap
    byte[] headerBytes = new byte[json.length + pad];
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    java.util.Arrays.fill(headerBytes, json.length, headerBytes.length, (byte) ' ');
    AtomicFiles.writeStream(file, out -> {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
      out.write(len.array());
      out.write(headerBytes);
      for (Tensor t : tensors) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data());
        out.write(b.array());
      }
    });
  }

  /** The tensors of {@code file} by name, in header order. Bad input names the file and the field. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    if (b.length < 8) {
      throw new IOException(file + ": not a safetensors file (shorter than 8 bytes)");
    }
    long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 2 || 8 + n > b.length) {
      throw new IOException(file + ": safetensors header length " + n + " does not fit the file");
    }
    JsonObject header;
    try {
      header = new Gson().fromJson(new String(b, 8, (int) n, StandardCharsets.UTF_8), JsonObject.class);
    } catch (RuntimeException e) {
      throw new IOException(file + ": safetensors header is not JSON: " + e.getMessage());
    }
    int base = (int) (8 + n);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonObject t = e.getValue().getAsJsonObject();
      String dtype = t.get("dtype").getAsString();
      if (!dtype.equals("F32")) {
        throw new IOException(file + ": tensor " + e.getKey() + ": dtype " + dtype + " (only F32 is read)");
      }
      List<Long> shape = new ArrayList<>();
      t.getAsJsonArray("shape").forEach(x -> shape.add(x.getAsLong()));
      long from = t.getAsJsonArray("data_offsets").get(0).getAsLong();
      long to = t.getAsJsonArray("data_offsets").get(1).getAsLong();
      if (from < 0 || to < from || base + to > b.length || (to - from) % 4 != 0) {
        throw new IOException(file + ": tensor " + e.getKey() + ": data_offsets [" + from + ", " + to + "] outside the file");
      }
      float[] data = new float[(int) ((to - from) / 4)];
      ByteBuffer.wrap(b, (int) (base + from), (int) (to - from)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
      try {
        out.put(e.getKey(), new Tensor(e.getKey(), shape.stream().mapToLong(Long::longValue).toArray(), data));
      } catch (IllegalArgumentException ex) {
        throw new IOException(file + ": " + ex.getMessage());
      }
    }
    return out;
  }

  /** The {@code __metadata__} strings of {@code file} (empty if none). */
  public static Map<String, String> metadata(Path file) throws IOException {
    byte[] head = new byte[8];
    try (var in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 8) != 8) {
        throw new IOException(file + ": not a safetensors file");
      }
      long n = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
      JsonObject header = new Gson().fromJson(new String(in.readNBytes((int) n), StandardCharsets.UTF_8), JsonObject.class);
      Map<String, String> out = new LinkedHashMap<>();
      if (header.has("__metadata__")) {
        header.getAsJsonObject("__metadata__").entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
      }
      return out;
    }
  }
}
