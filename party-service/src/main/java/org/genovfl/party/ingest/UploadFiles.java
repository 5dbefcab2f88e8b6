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
 * The service's own copies of uploaded files, in a request's directory from
 * {@link org.genovfl.party.files.PartyDataDirectory#newUploadDirectory}: each file created
 * owner-only, and the whole directory deleted when the import ends, however it ends.
 */
final class UploadFiles {

    private UploadFiles() {
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
