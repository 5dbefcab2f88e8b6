package org.genovfl.party.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.genovfl.party.config.PartyRole;

/** One party service running as its own operating-system process, as in a real deployment. */
final class PartyProcess {

    private final PartyRole role;
    private final Process process;
    private final Path log;

    private PartyProcess(PartyRole role, Process process, Path log) {
        this.role = role;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code role}'s service from {@code jar} with the network's configuration for it. */
    static PartyProcess start(DemoNetwork network, PartyRole role, Path jar) {
        Path log = network.directory().resolve("logs/" + role.name().toLowerCase() + ".log");
        try {
            Files.createDirectories(log.getParent());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(List.of(java,
                    "-Xmx2g",
                    "-jar", jar.toString(),
                    "--spring.config.additional-location=file:" + network.propertiesFile(role)))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            return new PartyProcess(role, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + role + " party service", e);
        }
    }

    PartyRole role() {
        return role;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Last lines of the service's log, to explain a failure. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Asks the service to stop (SIGTERM: Spring shuts down gracefully, the embedded
     * database is stopped cleanly) and waits; kills it if it does not stop in time.
     *
     * @return true if it stopped by itself
     */
    boolean stop(Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return false;
    }
}
