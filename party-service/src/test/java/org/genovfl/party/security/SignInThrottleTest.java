package org.genovfl.party.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {

    static final String ATTACKER = "192.0.2.66";
    static final String COLLEAGUE = "192.0.2.10";

    final MovableClock clock = new MovableClock();
    final SignInThrottle throttle = new SignInThrottle(
            new SignInThrottleProperties(20, 10, Duration.ofMinutes(15), 10_000), Set.of("hospital-admin"), clock);

    @Test
    void anAccountUnderAttackIsRefusedToTheAttackingAddressOnlyAndForAtMostTheWindow() {
        for (int i = 0; i < 9; i++) {
            throttle.failed("hospital-admin", ATTACKER);
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(throttle.waitBefore("hospital-admin", ATTACKER)).isEmpty();
        throttle.failed("hospital-admin", ATTACKER);

        assertThat(throttle.waitBefore("hospital-admin", ATTACKER)).hasValueSatisfying(wait ->
                // the oldest counted failure leaves the window 15 min after it, 90 s ago
                assertThat(wait).isEqualTo(Duration.ofMinutes(15).minusSeconds(90)));
        // The real user, from an address that has not failed, is not held back.
        assertThat(throttle.waitBefore("hospital-admin", COLLEAGUE)).isEmpty();

        clock.advance(Duration.ofMinutes(15).minusSeconds(90));
        assertThat(throttle.waitBefore("hospital-admin", ATTACKER)).isEmpty();
    }

    @Test
    void anAddressGuessingAcrossAccountsIsRefusedForEveryAccount() {
        for (int i = 0; i < 20; i++) {
            throttle.failed("guess-" + i, ATTACKER);
        }
        assertThat(throttle.waitBefore("hospital-admin", ATTACKER)).hasValue(Duration.ofMinutes(15));
        assertThat(throttle.waitBefore("hospital-admin", COLLEAGUE)).isEmpty();
        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.waitBefore("hospital-admin", ATTACKER)).isEmpty();
    }

    @Test
    void namesThatAreNotAccountsAreNotRememberedPerAccount() {
        for (int i = 0; i < 15; i++) {
            throttle.failed("correct horse battery staple", "192.0.2." + i);
        }
        assertThat(throttle.waitBefore("correct horse battery staple", "192.0.2.1")).isEmpty();
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
