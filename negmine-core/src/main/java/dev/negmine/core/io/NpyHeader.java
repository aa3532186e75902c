package dev.negmine.core.io;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parsed header of a {@code .npy} file (format versions 1.0, 2.0 and 3.0): what the data is and
 * where it starts. Only C-order arrays are represented; {@link Npy} rejects Fortran order.
 *
 * @param dtype element type
 * @param byteOrder byte order of the data (little-endian for one-byte types)
 * @param shape dimensions; empty for a scalar
 * @param dataOffset byte offset of the first element in the file
 */
public record NpyHeader(DType dtype, ByteOrder byteOrder, int[] shape, long dataOffset) {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;

  public NpyHeader {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(byteOrder, "byteOrder");
    shape = shape.clone();
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
    }
    if (BinaryIo.elementCount(shape) < 0) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " exceeds one Java array");
    }
    if (dataOffset < 0) {
      throw new IllegalArgumentException("negative data offset " + dataOffset);
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public int elementCount() {
    return (int) BinaryIo.elementCount(shape);
  }

  /** Bytes of data after the header. */
  public long dataBytes() {
    return (long) elementCount() * dtype.size();
  }

  /** "1024x128 float32": how messages describe the array. */
  public String describe() {
    return BinaryIo.shapeString(shape) + " " + dtype.numpyName();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyHeader h && h.dtype == dtype && h.byteOrder.equals(byteOrder)
        && Arrays.equals(h.shape, shape) && h.dataOffset == dataOffset;
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, byteOrder, Arrays.hashCode(shape), dataOffset);
  }

  @Override
  public String toString() {
    return "NpyHeader[" + describe() + ", " + byteOrder + ", offset " + dataOffset + "]";
  }

  /**
   * Magic, version, length and header text for a little-endian C-order array, laid out exactly as
   * NumPy 2.x writes it, so our files are byte-identical to {@code numpy.save}: keys sorted, 21
   * columns of spare space minus the digits of {@code shape[0]} (NumPy's room to grow the first
   * axis in place), then spaces and a newline up to a multiple of 64 bytes (a full extra 64 when
   * already aligned, as NumPy does). Version 1.0 unless the header exceeds 65535 bytes.
   */
  static byte[] encode(DType dtype, int[] shape) {
    StringBuilder sb = new StringBuilder();
    sb.append("{'descr': '").append(dtype.size() == 1 ? '|' : '<').append(dtype.code())
        .append("', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    sb.append(shape.length == 1 ? ",), }" : "), }");
    if (shape.length > 0) {
      sb.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
    }
    int hlen = sb.length() + 1;
    int prefix = 10;
    int padlen = 64 - (prefix + hlen) % 64;
    if (hlen + padlen > 0xFFFF) {
      prefix = 12;
      padlen = 64 - (prefix + hlen) % 64;
    }
    sb.append(" ".repeat(padlen)).append('\n');
    byte[] text = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[prefix + text.length];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    out[6] = (byte) (prefix == 10 ? 1 : 2);
    out[7] = 0;
    int len = text.length;
    out[8] = (byte) len;
    out[9] = (byte) (len >>> 8);
    if (prefix == 12) {
      out[10] = (byte) (len >>> 16);
      out[11] = (byte) (len >>> 24);
    }
    System.arraycopy(text, 0, out, prefix, text.length);
    return out;
  }

  /**
   * Parses the header dictionary text ({@code {'descr': '<f4', 'fortran_order': False, 'shape':
   * (3, 4), }}) into a header whose data starts at {@code dataOffset}.
   */
  static NpyHeader parse(String text, long dataOffset, String source) throws NegmineFormatException {
    Object parsed;
    try {
      LiteralParser p = new LiteralParser(text);
      parsed = p.value();
      p.end();
    } catch (IllegalArgumentException e) {
      throw new NegmineFormatException(source, "bad header dictionary: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> dict)) {
      throw new NegmineFormatException(source, "bad header dictionary: not a dict");
    }
    for (Object key : dict.keySet()) {
      if (!List.of("descr", "fortran_order", "shape").contains(key)) {
        throw new NegmineFormatException(source, "bad header dictionary: unexpected key '" + key + "'");
      }
    }
    for (String key : List.of("descr", "fortran_order", "shape")) {
      if (!dict.containsKey(key)) {
        throw new NegmineFormatException(source, "bad header dictionary: missing key '" + key + "'");
      }
    }
    int[] shape = parseShape(dict.get("shape"), source);
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw new NegmineFormatException(source, "bad header dictionary: fortran_order is not True or False");
    }
    if (fortran && shape.length > 1) {
      throw new NegmineFormatException(source, "Fortran-order (column-major) arrays are not supported;"
          + " save a C-order array (numpy.ascontiguousarray) instead");
    }
    Object descr = dict.get("descr");
    if (!(descr instanceof String d)) {
      throw new NegmineFormatException(source, "unsupported dtype " + LiteralParser.repr(descr)
          + " (structured arrays are not supported)");
    }
    DType dtype = null;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    String code = d;
    if (!code.isEmpty() && "<>|=".indexOf(code.charAt(0)) >= 0) {
      char o = code.charAt(0);
      order = o == '>' ? ByteOrder.BIG_ENDIAN : o == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
      code = code.substring(1);
    }
    if (code.length() == 2 && Character.isDigit(code.charAt(1))) {
      dtype = DType.fromCode(code.charAt(0), code.charAt(1) - '0');
    }
    if (dtype == null) {
      throw new NegmineFormatException(source, "unsupported dtype '" + d
          + "' (supported: bool, int8, uint8, int16, int32, int64, float32, float64)");
    }
    if (dtype.size() == 1) {
      order = ByteOrder.LITTLE_ENDIAN;
    }
    long n = BinaryIo.elementCount(shape);
    if (n < 0) {
      throw new NegmineFormatException(source, "shape " + BinaryIo.shapeString(shape)
          + " holds more elements than one Java array can (" + BinaryIo.MAX_ARRAY + ")");
    }
    return new NpyHeader(dtype, order, shape, dataOffset);
  }

  private static int[] parseShape(Object value, String source) throws NegmineFormatException {
    if (!(value instanceof LiteralParser.Tuple(List<Object> items))) {
      throw new NegmineFormatException(source, "bad header dictionary: shape is not a tuple");
    }
    int[] shape = new int[items.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(items.get(i) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
        throw new NegmineFormatException(source, "bad header dictionary: shape "
            + LiteralParser.repr(value) + " has an invalid dimension");
      }
      shape[i] = (int) (long) v;
    }
    return shape;
  }

  /**
   * A recursive-descent parser for the Python literals NumPy writes in headers: dicts, tuples,
   * lists, quoted strings, integers, True, False and None. Tuples are {@link Tuple} so that a shape
   * written as a list is rejected like NumPy does.
   */
  static final class LiteralParser {
    record Tuple(List<Object> items) {
      Tuple {
        items = List.copyOf(items);
      }
    }

    /** Python's None (null cannot be stored in the parsed collections). */
    static final Object NONE = new Object() {
      @Override
      public String toString() {
        return "None";
      }
    };

    private final String s;
    private int pos;

    LiteralParser(String s) {
      this.s = s;
    }

    Object value() {
      skipSpace();
      if (pos >= s.length()) {
        throw fail("unexpected end");
      }
      char c = s.charAt(pos);
      if (c == '{') {
        return dict();
      }
      if (c == '(' || c == '[') {
        return sequence(c);
      }
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '-' || Character.isDigit(c)) {
        return integer();
      }
      if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      if (s.startsWith("None", pos)) {
        pos += 4;
        return NONE;
      }
      throw fail("unexpected '" + c + "'");
    }

    void end() {
      skipSpace();
      if (pos != s.length()) {
        throw fail("trailing text");
      }
    }

    private Map<Object, Object> dict() {
      Map<Object, Object> map = new LinkedHashMap<>();
      pos++;
      while (true) {
        skipSpace();
        if (peek() == '}') {
          pos++;
          return map;
        }
        Object key = value();
        skipSpace();
        expect(':');
        Object v = value();
        if (map.put(key, v) != null) {
          throw fail("duplicate key " + repr(key));
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw fail("expected ',' or '}'");
        }
      }
    }

    private Object sequence(char open) {
      char close = open == '(' ? ')' : ']';
      List<Object> items = new ArrayList<>();
      pos++;
      while (true) {
        skipSpace();
        if (peek() == close) {
          pos++;
          return open == '(' ? new Tuple(items) : items;
        }
        items.add(value());
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else if (peek() != close) {
          throw fail("expected ',' or '" + close + "'");
        }
      }
    }

    private String string() {
      char quote = s.charAt(pos++);
      StringBuilder sb = new StringBuilder();
      while (pos < s.length() && s.charAt(pos) != quote) {
        char c = s.charAt(pos++);
        if (c == '\\' && pos < s.length()) {
          c = s.charAt(pos++);
        }
        sb.append(c);
      }
      if (pos >= s.length()) {
        throw fail("unterminated string");
      }
      pos++;
      return sb.toString();
    }

    private Long integer() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      String digits = s.substring(start, pos);
      if (peek() == 'L') {
        pos++;
      }
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw fail("bad integer '" + digits + "'");
      }
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(char c) {
      if (peek() != c) {
        throw fail("expected '" + c + "'");
      }
      pos++;
    }

    private IllegalArgumentException fail(String what) {
      return new IllegalArgumentException(what + " at offset " + pos);
    }

    static String repr(Object v) {
      if (v instanceof String str) {
        return "'" + str + "'";
      }
      if (v instanceof Tuple(List<Object> items)) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < items.size(); i++) {
          sb.append(i == 0 ? "" : ", ").append(repr(items.get(i)));
        }
        return sb.append(items.size() == 1 ? ",)" : ")").toString();
      }
      if (v instanceof List<?> list) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) {
          sb.append(i == 0 ? "" : ", ").append(repr(list.get(i)));
        }
        return sb.append(']').toString();
      }
      if (v instanceof Boolean b) {
        return b ? "True" : "False";
      }
      return String.valueOf(v);
    }
  }
}
