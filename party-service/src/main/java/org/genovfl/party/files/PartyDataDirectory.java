package org.genovfl.party.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The party's data directory ({@code genovfl.data-directory}: database, keys) and its upload
 * directory ({@code genovfl.upload-directory}, by default {@code <data-directory>/uploads}),
 * both owner-only (0700): what they hold is patient data and secrets, and other users of the
 * machine have no business in them.
 *
 * <p>Uploads are spooled there while a request is read, never to the shared {@code /tmp}.
 * Whatever is in it when the service starts is left from a run that was killed mid-upload
 * (a finished request removes its files), so it is removed then.
 */
public final class PartyDataDirectory {

    private static final Logger log = LoggerFactory.getLogger(PartyDataDirectory.class);

    private final Path root;
    private final Path uploads;

    private PartyDataDirectory(Path root, Path uploads) {
        this.root = root;
        this.uploads = uploads;
    }

    /** Creates (or tightens to 0700) both directories and empties the upload directory. */
    public static PartyDataDirectory prepare(Path root, Path uploads) {
        try {
            ownerOnlyDirectory(root);
            ownerOnlyDirectory(uploads);
            int removed = removeContents(uploads);
            if (removed > 0) {
                log.warn("Removed {} stale upload file(s) left in {} by a run that did not finish", removed, uploads);
            }
            return new PartyDataDirectory(root.toAbsolutePath(), uploads.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data directory " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** Where request bodies are spooled and upload copies are kept while they are imported. */
    public Path uploads() {
        return uploads;
    }

    /**
     * A new owner-only directory under {@link #uploads()} for one request's files; the caller
     * deletes it when done (a kill before that is cleaned up at the next start).
     */
    public Path newUploadDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(uploads, prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static void ownerOnlyDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
        if (view != null) {
            view.setPermissions(PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static int removeContents(Path directory) throws IOException {
        AtomicInteger files = new AtomicInteger();
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                files.incrementAndGet();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path visited, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                if (!visited.equals(directory)) {
                    Files.delete(visited);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files.get();
    }
}
