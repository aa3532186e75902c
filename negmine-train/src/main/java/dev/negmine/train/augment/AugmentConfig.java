package dev.negmine.train.augment;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * SimCLR-style image augmentation for square single-channel images: a random crop of the image
 * padded by {@code pad} pixels on every side (zero padding, i.e. the data's minimum), a horizontal
 * flip with probability 1/2 for classes in the flip policy, then brightness and contrast jitter.
 *
 * @param pad crop padding in pixels (0 = no crop)
 * @param flip {@code all} (every class is flip-safe, as Fashion-MNIST), {@code none}, or a
 *     comma-separated list of labels that may be flipped
 * @param brightness additive jitter: a value uniform in {@code [-b, b]} times the data's range
 * @param contrast multiplicative jitter around the image mean: a factor uniform in {@code [1-c, 1+c]}
 */
public record AugmentConfig(int pad, String flip, double brightness, double contrast) {
  public AugmentConfig {
    if (pad < 0 || pad > 64) {
      throw new IllegalArgumentException("augment pad must be in [0, 64], got " + pad);
    }
    if (flip == null) {
      flip = "all";
    }
    parseFlip(flip);
    if (!(brightness >= 0 && brightness <= 1)) {
      throw new IllegalArgumentException("augment brightness must be in [0, 1], got " + brightness);
    }
    if (!(contrast >= 0 && contrast < 1)) {
      throw new IllegalArgumentException("augment contrast must be in [0, 1), got " + contrast);
    }
  }

  /** The defaults: 4-pixel padded crop, every class flipped, brightness 0.2, contrast 0.3. */
  public static AugmentConfig defaults() {
    return new AugmentConfig(4, "all", 0.2, 0.3);
  }

  /**
   * Parses {@code pad=4,flip=all,brightness=0.2,contrast=0.3} (any subset; the rest default;
   * {@code flip=0+2+4} lists flip-safe labels). {@code default} or empty gives the defaults.
   */
  public static AugmentConfig parse(String spec) {
    AugmentConfig d = defaults();
    if (spec == null || spec.isBlank() || spec.equalsIgnoreCase("default") || spec.equalsIgnoreCase("true")) {
      return d;
    }
    int pad = d.pad();
    String flip = d.flip();
    double b = d.brightness();
    double c = d.contrast();
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("--augment entry '" + part.trim() + "' is not NAME=VALUE (pad, flip, brightness, contrast)");
      }
      String v = kv[1].trim();
      try {
        switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
          case "pad" -> pad = Integer.parseInt(v);
          case "flip" -> flip = v.replace('+', ',');
          case "brightness" -> b = Double.parseDouble(v);
          case "contrast" -> c = Double.parseDouble(v);
          default -> throw new IllegalArgumentException("unknown --augment setting '" + kv[0].trim()
              + "' (expected pad, flip, brightness or contrast)");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--augment " + kv[0].trim() + ": '" + v + "' is not a number");
      }
    }
    return new AugmentConfig(pad, flip, b, c);
  }

  /** Labels that may be flipped; null means every label. */
  public Set<Long> flipLabels() {
    return parseFlip(flip);
  }

  private static Set<Long> parseFlip(String flip) {
    String f = flip.trim().toLowerCase(Locale.ROOT);
    if (f.equals("all")) {
      return null;
    }
    Set<Long> out = new TreeSet<>();
    if (f.equals("none") || f.isEmpty()) {
      return out;
    }
    for (String s : f.split(",")) {
      try {
        out.add(Long.parseLong(s.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("augment flip policy '" + flip + "': expected all, none or labels, got '" + s.trim() + "'");
      }
    }
    return out;
  }
}
