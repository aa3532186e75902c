package dev.negmine.core.pool;

import java.nio.file.Path;

/** Child JVM of {@link PoolPublishTest}: writes the "new" pool (or, with args[1] = file, the new export file) over args[0] (halted by -Dnegmine.crashAt). */
public final class PublishCrashChild {
  private PublishCrashChild() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 1 && args[1].equals("file")) {
      dev.negmine.core.io.AtomicFiles.writeString(Path.of(args[0]), PoolPublishTest.NEW_EXPORT);
    } else {
      PoolFiles.write(Path.of(args[0]), PoolPublishTest.newPool());
    }
    System.exit(0);
  }
}
