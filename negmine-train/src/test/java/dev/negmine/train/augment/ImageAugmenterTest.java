package dev.negmine.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageAugmenterTest {
  /** A 4x4 image with distinct pixels 1..16 and a second one. */
  static FloatMatrix images() {
    float[] d = new float[32];
    for (int i = 0; i < 16; i++) {
      d[i] = i + 1;
      d[16 + i] = 16 - i;
    }
    return FloatMatrix.of(2, 16, d);
  }

  @Test
  void flipOnlyIsAMirrorOrTheIdentityAndFollowsThePolicy() {
    FloatMatrix x = images();
    ImageAugmenter flipAll = new ImageAugmenter(new AugmentConfig(0, "all", 0, 0), 4, 0, 16, 1);
    boolean sawFlip = false;
    for (long step = 0; step < 20; step++) {
      FloatMatrix v = flipAll.views(x, new long[] {0, 1}, step, 0);
      float[] row = v.row(0);
      float[] mirror = new float[16];
      for (int y = 0; y < 4; y++) {
        for (int c = 0; c < 4; c++) {
          mirror[y * 4 + c] = x.get(0, y * 4 + 3 - c);
        }
      }
      boolean flipped = Arrays.equals(row, mirror);
      sawFlip |= flipped;
      assertEquals(true, flipped || Arrays.equals(row, x.row(0)), "identity or mirror");
      assertArrayEquals(row, flipAll.views(x, new long[] {0, 1}, step, 0).row(0), 0f, "seeded by (seed, step, view, item)");
    }
    assertEquals(true, sawFlip);
    // label 1 is not flip-safe under flip=0: always the identity
    ImageAugmenter only0 = new ImageAugmenter(new AugmentConfig(0, "0", 0, 0), 4, 0, 16, 1);
    for (long step = 0; step < 20; step++) {
      assertArrayEquals(x.row(1), only0.views(x, new long[] {0, 1}, step, 0).row(1), 0f);
    }
  }

  @Test
  void cropShiftsWithPaddingAndJitterStaysInRange() {
    FloatMatrix x = images();
    ImageAugmenter crop = new ImageAugmenter(new AugmentConfig(1, "none", 0, 0), 4, 0, 16, 2);
    boolean shifted = false;
    for (long step = 0; step < 20; step++) {
      float[] v = crop.views(x, null, step, 0).row(0);
      // every output pixel is either padding (0) or the source pixel at a shift of at most 1
      boolean anyShift = false;
      outer:
      for (int dy = -1; dy <= 1; dy++) {
        for (int dx = -1; dx <= 1; dx++) {
          boolean ok = true;
          for (int y = 0; y < 4 && ok; y++) {
            for (int c = 0; c < 4 && ok; c++) {
              int sy = y + dy;
              int sx = c + dx;
              float want = sy < 0 || sx < 0 || sy > 3 || sx > 3 ? 0 : x.get(0, sy * 4 + sx);
              ok = v[y * 4 + c] == want;
            }
          }
          if (ok) {
            anyShift = true;
            shifted |= dx != 0 || dy != 0;
            break outer;
          }
        }
      }
      assertEquals(true, anyShift, "a padded crop");
    }
    assertEquals(true, shifted);
    ImageAugmenter jitter = new ImageAugmenter(new AugmentConfig(2, "all", 0.5, 0.5), 4, 0, 16, 3);
    FloatMatrix a = jitter.views(x, null, 7, 0);
    FloatMatrix b = jitter.views(x, null, 7, 1);
    assertFalse(Arrays.equals(a.data(), b.data()), "two views differ");
    for (float f : a.data()) {
      assertEquals(true, f >= 0 && f <= 16, "clipped to the data range");
    }
  }

  @Test
  void parseNamesBadEntries() {
    assertEquals(new AugmentConfig(2, "all", 0.2, 0.3), AugmentConfig.parse("pad=2"));
    assertEquals("0,2", AugmentConfig.parse("flip=0+2").flip());
    assertThrows(IllegalArgumentException.class, () -> AugmentConfig.parse("rotate=3"));
    assertThrows(IllegalArgumentException.class, () -> AugmentConfig.parse("pad=x"));
    assertThrows(IllegalArgumentException.class, () -> new AugmentConfig(1, "shoes", 0, 0));
  }
}
