package dev.negmine.text.weights;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The protobuf wire format, just enough to read and rewrite ONNX files without generated classes:
 * a message is split into its top-level fields, each kept as a byte range of the original buffer,
 * so unknown fields are copied through untouched. Stateless; thread-safe.
 */
final class Protobuf {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  /**
   * One field of a message.
   *
   * @param number field number
   * @param wire wire type
   * @param value the value of a varint field (else 0)
   * @param start first byte of the payload (length-delimited: after the length)
   * @param end one past the payload
   * @param tagStart first byte of the field's tag (for verbatim copies {@code [tagStart, end)})
   */
  record Field(int number, int wire, long value, int start, int end, int tagStart) {}

  private Protobuf() {}

  /** The top-level fields of the message in {@code b[from, to)}, in file order. */
  static List<Field> fields(byte[] b, int from, int to) {
    List<Field> out = new ArrayList<>();
    int[] pos = {from};
    while (pos[0] < to) {
      int tagStart = pos[0];
      long key = varint(b, pos);
      int number = (int) (key >>> 3);
      int wire = (int) (key & 7);
      switch (wire) {
        case VARINT -> {
          long v = varint(b, pos);
          out.add(new Field(number, wire, v, pos[0], pos[0], tagStart));
        }
        case FIXED64 -> {
          out.add(new Field(number, wire, 0, pos[0], pos[0] + 8, tagStart));
          pos[0] += 8;
        }
        case LEN -> {
          int len = Math.toIntExact(varint(b, pos));
          if (len < 0 || pos[0] + len > to) {
            throw new IllegalArgumentException("protobuf: field " + number + " runs past its message (byte " + tagStart + ")");
          }
          out.add(new Field(number, wire, 0, pos[0], pos[0] + len, tagStart));
          pos[0] += len;
        }
        case FIXED32 -> {
          out.add(new Field(number, wire, 0, pos[0], pos[0] + 4, tagStart));
          pos[0] += 4;
        }
        default -> throw new IllegalArgumentException("protobuf: unsupported wire type " + wire + " at byte " + tagStart);
      }
    }
    if (pos[0] != to) {
      throw new IllegalArgumentException("protobuf: message overruns its end at byte " + pos[0]);
    }
    return out;
  }

  /** Reads a varint at {@code pos[0]} and advances it. */
  static long varint(byte[] b, int[] pos) {
    long r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte c = b[pos[0]++];
      r |= (long) (c & 0x7f) << shift;
      if ((c & 0x80) == 0) {
        return r;
      }
    }
    throw new IllegalArgumentException("protobuf: varint longer than 10 bytes at byte " + pos[0]);
  }

  /** The repeated int64 values of field {@code f} (packed or not), appended to {@code out}. */
  static void int64s(byte[] b, Field f, List<Long> out) {
    if (f.wire() == VARINT) {
      out.add(f.value());
    } else if (f.wire() == LEN) {
      int[] pos = {f.start()};
      while (pos[0] < f.end()) {
        out.add(varint(b, pos));
      }
    } else {
      throw new IllegalArgumentException("protobuf: field " + f.number() + " is not an integer");
    }
  }

  static String string(byte[] b, Field f) {
    return new String(b, f.start(), f.end() - f.start(), java.nio.charset.StandardCharsets.UTF_8);
  }

  static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  static void writeTag(ByteArrayOutputStream out, int number, int wire) {
    writeVarint(out, ((long) number << 3) | wire);
  }

  /** Writes a length-delimited field holding {@code payload}. */
  static void writeBytes(ByteArrayOutputStream out, int number, byte[] payload) {
    writeTag(out, number, LEN);
    writeVarint(out, payload.length);
    out.write(payload, 0, payload.length);
  }
}
