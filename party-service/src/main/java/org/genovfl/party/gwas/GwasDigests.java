package org.genovfl.party.gwas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.genovfl.vfl.gwas.GwasMessages.BlockResult;
import org.genovfl.vfl.gwas.GwasMessages.EncryptedNullModel;
import org.genovfl.vfl.gwas.Variant;

/**
 * SHA-256 digests of the scan's messages for the audit trail: what the sender and the
 * receiver both record, so a regulator can match them without seeing a ciphertext. Each
 * digest covers the message's binding (run, lab, block) and its bytes, length-prefixed.
 */
final class GwasDigests {

    private GwasDigests() {
    }

    /** The encrypted null model one lab received: every ciphertext of r, w and B, in order. */
    static String nullModel(EncryptedNullModel model) {
        MessageDigest digest = sha256();
        text(digest, model.run().project() + "/" + model.run().run() + "/" + model.to() + "/" + model.patients());
        model.residual().forEach(c -> bytes(digest, c));
        model.weights().forEach(c -> bytes(digest, c));
        model.covariateFactor().forEach(column -> column.forEach(c -> bytes(digest, c)));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A block's encrypted U and V, and its variant names (the statistics the coordinator may decrypt). */
    static Map<String, String> block(BlockResult result) {
        String binding = result.run().project() + "/" + result.run().run() + "/" + result.block().lab() + "/"
                + result.block().block();
        Map<String, String> digests = new TreeMap<>();
        digests.put("score", of(binding, List.of(result.score())));
        digests.put("variance", of(binding, List.of(result.variance())));
        MessageDigest names = sha256();
        text(names, binding);
        for (Variant v : result.variants()) {
            text(names, v.chromosome() + ":" + v.position() + ":" + v.id() + ":" + v.ref() + ":" + v.alt());
        }
        digests.put("variants", HexFormat.of().formatHex(names.digest()));
        return digests;
    }

    private static String of(String binding, List<byte[]> parts) {
        MessageDigest digest = sha256();
        text(digest, binding);
        parts.forEach(p -> bytes(digest, p));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void text(MessageDigest digest, String value) {
        bytes(digest, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(MessageDigest digest, byte[] value) {
        digest.update(java.nio.ByteBuffer.allocate(4).putInt(value.length).array());
        digest.update(value);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
