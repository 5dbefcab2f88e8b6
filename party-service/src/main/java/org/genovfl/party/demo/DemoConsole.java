package org.genovfl.party.demo;

import java.io.PrintStream;
import java.time.Duration;

/** What the demo prints: numbered steps with their duration, and aligned tables. */
final class DemoConsole {

    private final PrintStream out;
    private int step;
    private long stepStarted;

    DemoConsole(PrintStream out) {
        this.out = out;
    }

    void title(String text) {
        out.println();
        out.println(text);
        out.println("=".repeat(text.length()));
    }

    void step(String text) {
        step++;
        stepStarted = System.nanoTime();
        out.println();
        out.printf("[%d] %s%n", step, text);
    }

    void line(String format, Object... args) {
        out.printf("    " + format + "%n", args);
    }

    void done() {
        out.printf("    done in %s%n", seconds(Duration.ofNanos(System.nanoTime() - stepStarted)));
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
