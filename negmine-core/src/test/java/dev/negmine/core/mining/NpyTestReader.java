package dev.negmine.core.mining;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test-only .npy reader for the fixtures: little-endian float32 or int64, C order, format
 * versions 1 to 3. Deliberately separate from the production reader in dev.negmine.core.io so the
 * miner tests do not depend on it.
 */
final class NpyTestReader {
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  record Array(String descr, int[] shape, ByteBuffer data) {
    int rows() {
      return shape.length == 0 ? 1 : shape[0];
    }

    int cols() {
      return shape.length < 2 ? 1 : shape[1];
    }

    float[] floats() {
      if (!descr.equals("<f4")) {
        throw new IllegalStateException("expected <f4, got " + descr);
      }
      float[] out = new float[data.remaining() / 4];
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }

    long[] longs() {
      if (!descr.equals("<i8")) {
        throw new IllegalStateException("expected <i8, got " + descr);
      }
      long[] out = new long[data.remaining() / 8];
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
      return out;
    }
  }

  private NpyTestReader() {}

  static Array read(String resource) throws IOException {
    byte[] all;
    try (InputStream in = NpyTestReader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      all = in.readAllBytes();
    }
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    if ((all[0] & 0xff) != 0x93 || !new String(all, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IOException(resource + " is not an .npy file");
    }
    int major = all[6];
    int headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(b.getShort(8));
      headerStart = 10;
    } else {
      headerLen = b.getInt(8);
      headerStart = 12;
    }
    String header = new String(all, headerStart, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw new IOException("unparsed .npy header " + header);
    }
    if (f.group(1).equals("True")) {
      throw new IOException("Fortran order not supported");
    }
    String[] dims = s.group(1).split(",");
    int n = 0;
    int[] shape = new int[dims.length];
    for (String dim : dims) {
      if (!dim.isBlank()) {
        shape[n++] = Integer.parseInt(dim.trim());
      }
    }
    return new Array(d.group(1), java.util.Arrays.copyOf(shape, n),
        ByteBuffer.wrap(all, headerStart + headerLen, all.length - headerStart - headerLen).slice());
  }
}
