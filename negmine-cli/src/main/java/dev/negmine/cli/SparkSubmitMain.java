package dev.negmine.cli;

/**
 * The spark-submit entry point: {@code spark-submit --class dev.negmine.cli.SparkSubmitMain
 * negmine.jar [spark-mine options]} runs {@code negmine spark-mine} with the master and settings
 * spark-submit configured (a {@code --master} option given here wins).
 */
public final class SparkSubmitMain {
  private SparkSubmitMain() {}

  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "spark-mine";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = Main.run(all);
    if (code != 0) {
      System.exit(code);
    }
  }
}
