package dev.negmine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code negmine} command. */
@Command(
    name = "negmine",
    mixinStandardHelpOptions = true,
    version = "negmine 0.1.0",
    description = "Train embedding models with hard negative mining.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (0 ok, 1 failure, 2 bad input). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
