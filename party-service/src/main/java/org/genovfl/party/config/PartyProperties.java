package org.genovfl.party.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of one party service, under the prefix {@code genovfl}.
 *
 * @param role what this service is in studies
 * @param organisation the organisation name; must equal the O= of this party's certificate
 * @param dataDirectory where the embedded database and imports live
 * @param database embedded PostgreSQL settings (ignored when spring.datasource.url is set)
 * @param peers the other organisations this party may talk to
 * @param users people who may sign in, with BCrypt password hashes and roles
 * @param client timeouts and retries of calls to other parties
 */
@Validated
@ConfigurationProperties("genovfl")
public record PartyProperties(
        @NotNull PartyRole role,
        @NotBlank String organisation,
        @NotNull Path dataDirectory,
        @Valid @DefaultValue Database database,
        @Valid @DefaultValue List<Peer> peers,
        @Valid @DefaultValue List<User> users,
        @Valid @DefaultValue Client client) {

    /** The configured peer called {@code organisation}, if there is one. */
    public Optional<Peer> peer(String organisation) {
        return peers.stream().filter(p -> p.organisation().equals(organisation)).findFirst();
    }

    /** Embedded PostgreSQL; port 0 picks a free one at each start. */
    public record Database(@DefaultValue("0") int port) {
    }

    /**
     * Another organisation: its certificate's O= must equal {@code organisation}.
     *
     * @param certificateSha256 optional pin of the peer's certificate (hex SHA-256 of its DER)
     */
    public record Peer(@NotBlank String organisation, @NotNull PartyRole role, @NotNull URI url,
            String certificateSha256) {
    }

    /** A person. {@code passwordHash} is BCrypt ({@code $2a$...}); passwords are never configured in clear. */
    public record User(@NotBlank String username, @NotBlank String passwordHash, @NotEmpty Set<UserRole> roles) {
    }

    /** Party-to-party call behaviour. */
    public record Client(
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("60s") Duration requestTimeout,
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("200ms") Duration initialBackoff) {
    }
}
