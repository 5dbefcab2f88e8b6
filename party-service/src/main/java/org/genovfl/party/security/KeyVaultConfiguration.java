package org.genovfl.party.security;

import java.nio.file.Path;
import org.genovfl.party.config.PartyProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The party's {@link KeyVault}. Its key file is {@code genovfl.key-vault.key-file}, by default
 * {@code <data-directory>/keys/key-encryption.key}; keep it out of database backups.
 */
@Configuration(proxyBeanMethods = false)
class KeyVaultConfiguration {

    @Bean
    KeyVault keyVault(PartyProperties properties, @Value("${genovfl.key-vault.key-file:}") String keyFile) {
        return KeyVault.open(StringUtils.hasText(keyFile) ? Path.of(keyFile)
                : properties.dataDirectory().resolve("keys").resolve("key-encryption.key"));
    }
}
