package dev.negmine.train.dynamic;

/** The negative sources compared by the experiment. */
enum Arm {
  IN_BATCH("in_batch", "in-batch only"),
  UNIFORM("uniform", "uniform random"),
  STATIC("static", "static index (exact top-k on stale encodings)"),
  TREE_STALE("tree_stale", "tree, stale vectors"),
  NYSTROM_BRUTE("nystrom_brute_force", "Nyström, brute-force sampling"),
  TREE_NYSTROM("tree_nystrom", "tree + Nyström"),
  ORACLE("oracle", "oracle (all targets re-encoded every step)");

  final String key;
  final String label;

  Arm(String key, String label) {
    this.key = key;
    this.label = label;
  }

  static Arm parse(String s) {
    for (Arm a : values()) {
      if (a.key.equals(s)) {
        return a;
      }
    }
    StringBuilder valid = new StringBuilder();
    for (Arm a : values()) {
      valid.append(valid.length() == 0 ? "" : ", ").append(a.key);
    }
    throw new IllegalArgumentException("--arms: unknown arm '" + s + "' (valid: " + valid + ")");
  }
}
