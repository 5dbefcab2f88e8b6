package org.genovfl.he;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.genovfl.he.ristretto.BlindingKey;

/**
 * The responder's side of a PSI, run in a child JVM by {@link NativeLibraryVariantsIT} so
 * that the two sides can run different builds of the native library.
 * Arguments: the directory holding the initiator's singly blinded values ({@code initiator}),
 * where it writes them blinded again ({@code initiator-doubled}) and its own singly blinded
 * values ({@code responder}).
 */
public final class PortablePsiPeer {

    static final byte[] TAG = "GenoVFL-PSI-variants-test".getBytes(StandardCharsets.UTF_8);

    private PortablePsiPeer() {
    }

    static List<byte[]> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> ("S" + i).getBytes(StandardCharsets.UTF_8)).toList();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (BlindingKey key = BlindingKey.generate()) {
            Files.write(dir.resolve("initiator-doubled"), key.blind(Files.readAllBytes(dir.resolve("initiator"))));
            Files.write(dir.resolve("responder"), key.hashToGroupAndBlind(TAG, ids(2000, 5000)));
        }
        System.out.println("variant=" + NativeLibrary.variant());
    }
}
