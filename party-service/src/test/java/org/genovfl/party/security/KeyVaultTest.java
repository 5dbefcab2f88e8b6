package org.genovfl.party.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.genovfl.party.security.KeyVault.SealedSecretException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyVaultTest {

    private static final byte[] SECRET = "a CKKS secret key, say".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    @Test
    void shouldCreateAnOwnerOnlyKeyFileAndOpenWhatItSealedAfterARestart() throws Exception {
        Path keyFile = directory.resolve("keys/key-encryption.key");
        byte[] sealed = KeyVault.open(keyFile).seal(SECRET, "run-1");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Files.size(keyFile)).isEqualTo(32);
        assertThat(new String(sealed, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("GVK1");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("CKKS secret");
        assertThat(KeyVault.open(keyFile).unseal(sealed, "run-1")).isEqualTo(SECRET);
    }

    @Test
    void shouldSealTheSameSecretDifferentlyEachTime() {
        KeyVault vault = KeyVault.open(directory.resolve("k"));
        assertThat(vault.seal(SECRET, "run-1")).isNotEqualTo(vault.seal(SECRET, "run-1"));
    }

    @Test
    void shouldNotOpenForAnotherPurposeUnderAnotherKeyOrWhenAltered() {
        KeyVault vault = KeyVault.open(directory.resolve("k"));
        byte[] sealed = vault.seal(SECRET, "training-run/1/coordinator-secret-key");

        assertThatThrownBy(() -> vault.unseal(sealed, "training-run/2/coordinator-secret-key"))
                .isInstanceOf(SealedSecretException.class).hasMessageContaining("does not open");
        assertThatThrownBy(() -> KeyVault.open(directory.resolve("other")).unseal(sealed,
                "training-run/1/coordinator-secret-key")).isInstanceOf(SealedSecretException.class);
        for (int i = 0; i < sealed.length; i += 7) {
            byte[] altered = sealed.clone();
            altered[i] ^= 1;
            assertThatThrownBy(() -> vault.unseal(altered, "training-run/1/coordinator-secret-key"))
                    .as("byte " + i).isInstanceOf(SealedSecretException.class);
        }
        assertThatThrownBy(() -> vault.unseal(SECRET, "training-run/1/coordinator-secret-key"))
                .isInstanceOf(SealedSecretException.class).hasMessageContaining("not a sealed secret");
    }

    @Test
    void shouldRefuseAKeyFileOthersMayReadOrOfTheWrongLength() throws Exception {
        Path shared = directory.resolve("shared.key");
        Files.write(shared, new byte[32]);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> KeyVault.open(shared)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("accessible to others").hasMessageContaining("chmod 600");

        Path truncated = directory.resolve("truncated.key");
        Files.write(truncated, new byte[31]);
        Files.setPosixFilePermissions(truncated, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> KeyVault.open(truncated)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds 31 bytes");
    }
}
