package org.genovfl.party.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed sign-ins and says when the next attempt must wait. Policy (settings in
 * {@link SignInThrottleProperties}):
 *
 * <ul>
 *   <li>An address with {@code maxFailuresPerAddress} failures in the window is refused for
 *       every account: one machine guessing passwords stops there.
 *   <li>An account with {@code maxFailuresPerAccount} failures in the window is refused only to
 *       the addresses that failed for it: guesses spread over many accounts or addresses stay
 *       bounded, yet an attacker cannot lock the real user out from another address.
 *   <li>A refused attempt is answered before its password is checked (no BCrypt work for an
 *       attacker to spend) and does not count as a failure; it waits until enough failures have
 *       left the window, so never longer than the window. A successful sign-in clears nothing
 *       (an attacker holding one account could otherwise reset its address's count).
 * </ul>
 *
 * <p>Every failure is logged on {@value #AUDIT_LOGGER} with the address and the account name
 * if it is a configured account (staff, not patients); a name that is not an account is not
 * logged, since it may be a password typed into the wrong field.
 */
public final class SignInThrottle {

    /** Logger of failed and refused sign-ins, to route to the security audit log. */
    public static final String AUDIT_LOGGER = "org.genovfl.party.security.SignInAudit";

    private static final Logger audit = LoggerFactory.getLogger(AUDIT_LOGGER);

    private final SignInThrottleProperties settings;
    private final Set<String> accounts;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failuresByAddress;
    private final Map<String, Deque<Failure>> failuresByAccount;

    private record Failure(Instant at, String address) {
    }

    SignInThrottle(SignInThrottleProperties settings, Set<String> accounts, Clock clock) {
        this.settings = settings;
        this.accounts = Set.copyOf(accounts);
        this.clock = clock;
        this.failuresByAddress = bounded(settings.trackedKeys());
        this.failuresByAccount = bounded(settings.trackedKeys());
    }

    /** How long {@code address} must wait before trying {@code account}, if it must. */
    synchronized Optional<Duration> waitBefore(String account, String address) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(settings.window());
        Deque<Instant> byAddress = failuresByAddress.get(address);
        if (byAddress != null) {
            byAddress.removeIf(at -> !at.isAfter(cutoff));
            if (byAddress.size() >= settings.maxFailuresPerAddress()) {
                return Optional.of(until(nthNewest(byAddress.descendingIterator(), settings.maxFailuresPerAddress()), now));
            }
        }
        Deque<Failure> byAccount = failuresByAccount.get(account);
        if (byAccount != null) {
            byAccount.removeIf(f -> !f.at().isAfter(cutoff));
            if (byAccount.size() >= settings.maxFailuresPerAccount()
                    && byAccount.stream().anyMatch(f -> f.address().equals(address))) {
                Iterator<Instant> newestFirst = byAccount.stream().map(Failure::at)
                        .sorted(Comparator.reverseOrder()).iterator();
                return Optional.of(until(nthNewest(newestFirst, settings.maxFailuresPerAccount()), now));
            }
        }
        return Optional.empty();
    }

    /** Records a failed sign-in and writes its audit line. */
    synchronized void failed(String account, String address) {
        Instant now = clock.instant();
        Deque<Instant> byAddress = failuresByAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
        byAddress.addLast(now);
        trim(byAddress, settings.maxFailuresPerAddress());
        int accountFailures = 0;
        boolean known = accounts.contains(account);
        if (known) {
            Deque<Failure> byAccount = failuresByAccount.computeIfAbsent(account, a -> new ArrayDeque<>());
            byAccount.addLast(new Failure(now, address));
            trim(byAccount, Math.max(settings.maxFailuresPerAccount(), 1000));
            accountFailures = byAccount.size();
        }
        audit.warn("Failed sign-in: account {}, address {} ({} failure(s) from the address, {} to the account"
                        + " in the last {})", known ? "'" + account + "'" : "(not an account)", address,
                byAddress.size(), accountFailures, settings.window());
    }

    /** Writes the audit line of an attempt refused before its password was checked. */
    void refused(String account, String address, Duration wait) {
        audit.warn("Refused sign-in: account {}, address {}: too many failures, retry in {} s",
                accounts.contains(account) ? "'" + account + "'" : "(not an account)", address, wait.toSeconds());
    }

    /** Time until the {@code n}-th newest failure leaves the window (then fewer than n count), at least 1 s. */
    private Duration until(Instant nthNewest, Instant now) {
        Duration wait = Duration.between(now, nthNewest.plus(settings.window()));
        return wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
    }

    private static Instant nthNewest(Iterator<Instant> newestFirst, int n) {
        Instant at = null;
        for (int i = 0; i < n && newestFirst.hasNext(); i++) {
            at = newestFirst.next();
        }
        return at;
    }

    private static void trim(Deque<?> failures, int keep) {
        while (failures.size() > keep) {
            failures.removeFirst();
        }
    }

    private static <V> Map<String, V> bounded(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
