package org.genovfl.party.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets a party must keep across restarts (a coordinator's CKKS secret key while its
 * run lasts) before they reach the database, so that a dump or backup of the database alone
 * does not yield them.
 *
 * <p>Envelope encryption: AES-256-GCM under a key-encryption key held in a file outside the
 * database, readable by the service's user only (like an SSH private key; in production a
 * mounted secret). The caller names a purpose, bound into the ciphertext as associated data,
 * so a sealed value copied to another row or run does not open there.
 *
 * <p>Sealed format: {@code "GVK1"} | 12-byte nonce | ciphertext with its 16-byte tag.
 *
 * <p>Thread-safe.
 */
public final class KeyVault {

    private static final byte[] MAGIC = "GVK1".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final SecretKey keyEncryptionKey;
    private final SecureRandom random = new SecureRandom();

    private KeyVault(byte[] key) {
        this.keyEncryptionKey = new SecretKeySpec(key, "AES");
        Arrays.fill(key, (byte) 0);
    }

    /**
     * Opens the vault whose key-encryption key is in {@code keyFile}, creating the file with a
     * fresh random key (owner read/write only) if it does not exist.
     *
     * @throws IllegalStateException if the file is not exactly 32 bytes, or group or others may read it
     */
    public static KeyVault open(Path keyFile) {
        try {
            if (Files.notExists(keyFile)) {
                create(keyFile);
            }
            checkOwnerOnly(keyFile);
            byte[] key = Files.readAllBytes(keyFile);
            if (key.length != KEY_BYTES) {
                throw new IllegalStateException("key-encryption key file " + keyFile + " holds " + key.length
                        + " bytes; it must hold exactly " + KEY_BYTES + " random bytes");
            }
            return new KeyVault(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key-encryption key file " + keyFile, e);
        }
    }

    private static void create(Path keyFile) throws IOException {
        Path directory = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        // Written owner-only to a temporary file and then renamed, so the key file is never
        // readable by others nor seen half-written by a start that is interrupted.
        Path written = Files.createTempFile(directory, ".key-encryption", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.write(written, key, StandardOpenOption.WRITE);
            Files.move(written, keyFile);
        } catch (FileAlreadyExistsException anotherStartWasFirst) {
            // use the key it wrote
        } finally {
            Arrays.fill(key, (byte) 0);
            Files.deleteIfExists(written);
        }
    }

    private static void checkOwnerOnly(Path keyFile) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(keyFile, PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: permissions are the operator's to set
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        for (PosixFilePermission permission : permissions) {
            if (permission.name().startsWith("GROUP_") || permission.name().startsWith("OTHERS_")) {
                throw new IllegalStateException("key-encryption key file " + keyFile + " is accessible to others ("
                        + PosixFilePermissions.toString(permissions) + "); allow its owner only (chmod 600)");
            }
        }
    }

    /** Encrypts {@code secret} for {@code purpose} (e.g. "training-run/<id>/secret-key"). */
    public byte[] seal(byte[] secret, String purpose) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, purpose);
            byte[] sealed = Arrays.copyOf(MAGIC, MAGIC.length + NONCE_BYTES + cipher.getOutputSize(secret.length));
            System.arraycopy(nonce, 0, sealed, MAGIC.length, NONCE_BYTES);
            cipher.doFinal(secret, 0, secret.length, sealed, MAGIC.length + NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * Decrypts what {@link #seal} made for the same purpose with this vault's key.
     *
     * @throws SealedSecretException if the bytes are not a sealed value, were sealed for another
     *     purpose or under another key, or were altered
     */
    public byte[] unseal(byte[] sealed, String purpose) {
        int header = MAGIC.length + NONCE_BYTES;
        if (sealed.length < header + TAG_BITS / 8 || !Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new SealedSecretException("not a sealed secret (" + sealed.length + " bytes)");
        }
        try {
            byte[] nonce = Arrays.copyOfRange(sealed, MAGIC.length, header);
            return cipher(Cipher.DECRYPT_MODE, nonce, purpose).doFinal(sealed, header, sealed.length - header);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SealedSecretException("sealed secret for '" + purpose + "' does not open with this party's "
                    + "key-encryption key: altered, sealed for another purpose, or the key file was replaced");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String purpose) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, keyEncryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** A sealed secret that cannot be opened. */
    public static final class SealedSecretException extends RuntimeException {
        SealedSecretException(String message) {
            super(message);
        }
    }
}
