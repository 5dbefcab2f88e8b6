package org.genovfl.he;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.genovfl.he.ristretto.BlindingKey;

/**
 * Run in a child JVM by {@link NativeLibraryVariantsIT}, on the build of the native library
 * it is told to load: the responder's side of a PSI against the parent JVM, then a CKKS
 * encryption and decryption, whose largest error it prints.
 * Arguments: the directory holding the initiator's singly blinded values ({@code initiator}),
 * where it writes them blinded again ({@code initiator-doubled}) and its own singly blinded
 * values ({@code responder}).
 */
public final class PortableLibraryPeer {

    static final byte[] TAG = "GenoVFL-PSI-variants-test".getBytes(StandardCharsets.UTF_8);

    private PortableLibraryPeer() {
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
        double[] values = {0.5, -1.25, 3.0, 1e-3};
        try (CkksContext context = CkksContext.create(CkksParameters.n8192());
                KeyGenerator keys = context.keyGenerator();
                SecretKey secret = keys.secretKey();
                PublicKey pub = keys.publicKey();
                Encryptor encryptor = context.encryptor(pub);
                Decryptor decryptor = context.decryptor(secret);
                Ciphertext encrypted = encryptor.encrypt(values)) {
            double[] decrypted = decryptor.decryptValues(encrypted);
            System.out.println("ckksMaxError=" + KeySet.maxError(values, java.util.Arrays.copyOf(decrypted, values.length)));
        }
        System.out.println("variant=" + NativeLibrary.variant());
    }
}
