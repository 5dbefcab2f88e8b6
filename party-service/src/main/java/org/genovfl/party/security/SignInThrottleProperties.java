package org.genovfl.party.security;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Throttling of people's sign-ins ({@code genovfl.sign-in.*}); see {@link SignInThrottle}.
 *
 * @param maxFailuresPerAddress failed sign-ins from one client address (any accounts) within
 *     {@code window} after which that address is refused
 * @param maxFailuresPerAccount failed sign-ins to one account (from any addresses) within
 *     {@code window} after which the addresses that failed are refused for that account
 * @param window how long a failure counts; also the longest anyone waits
 * @param trackedKeys most addresses and accounts remembered at once (oldest forgotten first),
 *     so a flood of made-up names cannot exhaust memory
 */
@Validated
@ConfigurationProperties("genovfl.sign-in")
public record SignInThrottleProperties(
        @DefaultValue("20") @Min(1) int maxFailuresPerAddress,
        @DefaultValue("10") @Min(1) int maxFailuresPerAccount,
        @DefaultValue("15m") Duration window,
        @DefaultValue("10000") @Min(100) int trackedKeys) {
}
