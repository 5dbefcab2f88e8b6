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
 * encryption and decryption and a chain of CKKS arithmetic, whose largest errors it prints,
 * and the library's version (which names its SEAL build).
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

    /**
     * x * y + rotate(x * y, 1) + x + y, through multiply (with relinearization), rescale,
     * rotate, multiply_plain, add and level matching: the NTT and modular arithmetic that
     * SEAL hands to Intel HEXL in a HEXL build.
     */
    private static double[] arithmetic(CkksContext context, Encryptor encryptor, Decryptor decryptor,
            RelinKeys relin, GaloisKeys galois, double[] x, double[] y) {
        Evaluator eval = context.evaluator();
        try (Plaintext yPlain = context.encoder().encode(y);
                Ciphertext xEnc = encryptor.encrypt(x);
                Ciphertext yEnc = encryptor.encrypt(yPlain);
                Ciphertext product = eval.multiply(xEnc, yEnc, relin);
                Ciphertext productPlain = eval.multiplyPlain(xEnc, yPlain);
                Ciphertext rescaled = eval.rescaleToNext(product);
                Ciphertext rescaledPlain = eval.rescaleToNext(productPlain);
                Ciphertext rotated = eval.rotate(rescaledPlain, 1, galois);
                Ciphertext products = eval.add(rescaled, rotated);
                Ciphertext sum = eval.add(xEnc, yEnc);
                Ciphertext sumAtLevel = eval.matchLevel(sum, products);
                Ciphertext result = eval.add(products, sumAtLevel)) {
            return decryptor.decryptValues(result);
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (BlindingKey key = BlindingKey.generate()) {
            Files.write(dir.resolve("initiator-doubled"), key.blind(Files.readAllBytes(dir.resolve("initiator"))));
            Files.write(dir.resolve("responder"), key.hashToGroupAndBlind(TAG, ids(2000, 5000)));
        }
        double[] values = {0.5, -1.25, 3.0, 1e-3};
        double[] x = IntStream.range(0, 4096).mapToDouble(i -> ((i * 7919) % 1000) / 250.0 - 2.0).toArray();
        double[] y = IntStream.range(0, 4096).mapToDouble(i -> ((i * 104729) % 997) / 249.25 - 2.0).toArray();
        double[] expected = IntStream.range(0, 4096)
                .mapToDouble(i -> x[i] * y[i] + x[(i + 1) % 4096] * y[(i + 1) % 4096] + x[i] + y[i]).toArray();
        try (CkksContext context = CkksContext.create(CkksParameters.n8192());
                KeyGenerator keys = context.keyGenerator();
                SecretKey secret = keys.secretKey();
                PublicKey pub = keys.publicKey();
                RelinKeys relin = keys.relinKeys();
                GaloisKeys galois = keys.galoisKeys(1);
                Encryptor encryptor = context.encryptor(pub);
                Decryptor decryptor = context.decryptor(secret);
                Ciphertext encrypted = encryptor.encrypt(values)) {
            double[] decrypted = decryptor.decryptValues(encrypted);
            System.out.println("ckksMaxError=" + KeySet.maxError(values, java.util.Arrays.copyOf(decrypted, values.length)));
            System.out.println("ckksArithmeticMaxError="
                    + KeySet.maxError(expected, arithmetic(context, encryptor, decryptor, relin, galois, x, y)));
        }
        System.out.println("version=" + NativeLibrary.version());
        System.out.println("variant=" + NativeLibrary.variant());
    }
}
