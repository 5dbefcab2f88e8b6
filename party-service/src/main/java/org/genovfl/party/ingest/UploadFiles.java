package org.genovfl.party.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.web.multipart.MultipartFile;

/**
 * The service's own copies of uploaded files: in a fresh directory only the service's user
 * may enter, each file created owner-only, and the whole directory deleted when the import
 * ends, however it ends.
 */
final class UploadFiles {

    /** Prefix of every upload directory, so a start after a crash can find stale ones. */
    static final String DIRECTORY_PREFIX = "genovfl-vcf-";

    private UploadFiles() {
    }

    static Path createDirectory() throws IOException {
        return Files.createTempDirectory(DIRECTORY_PREFIX,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Copies {@code part} to the new file {@code target} (owner read/write only). */
    static Path save(MultipartFile part, Path target) throws IOException {
        Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (InputStream in = part.getInputStream();
                OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE)) {
            in.transferTo(out);
        }
        return target;
    }

    /** Deletes {@code directory} and everything in it (never following links out of it). */
    static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
