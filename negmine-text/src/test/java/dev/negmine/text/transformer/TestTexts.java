package dev.negmine.text.transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded test sentences: ordinary, long (past any maximum length), tiny and non-ASCII ones. */
final class TestTexts {
  private static final String[] WORDS = ("the a cat dog river bank money loan engine kernel compiler parse tree graph search "
      + "index query document retrieval neural network train loss gradient weight matrix vector cosine distance "
      + "house car road city music song paint colour light dark fast slow ancient modern protocol packet router "
      + "definition dictionary word meaning language grammar verb noun adjective").split(" ");
  private static final String[] TINY = {"a", ".", "?", "x", "I", "ok", "-", "#", "0", "!!"};
  private static final String[] FOREIGN = {"café crème brûlée", "naïve façade jalapeño", "Straße über Müller",
      "Привет, как дела?", "東京は日本の首都です", "中文文本检索", "مرحبا بالعالم", "γειά σου κόσμε", "😀 emoji 🚀 test",
      "ﬁ ligature and ½ fraction", "Ünïcödé ÀÉÎÕÜ", "हिन्दी वाक्य"};

  private TestTexts() {}

  /** {@code n} texts, seeded: about 10% longer than 300 words, 10 tiny, 12 non-ASCII. */
  static List<String> make(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(List.of(TINY));
    out.addAll(List.of(FOREIGN));
    while (out.size() < n) {
      int words = out.size() % 10 == 0 ? 450 + r.nextInt(400) : 1 + r.nextInt(40);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < words; i++) {
        if (i > 0) {
          sb.append(' ');
        }
        sb.append(WORDS[r.nextInt(WORDS.length)]);
      }
      if (r.nextInt(4) == 0) {
        sb.append('.');
      }
      out.add(sb.toString());
    }
    return out;
  }
}
