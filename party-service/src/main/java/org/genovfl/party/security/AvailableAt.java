package org.genovfl.party.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.genovfl.party.config.PartyRole;

/**
 * The kinds of party at which an endpoint exists: patient data comes in only at a hospital,
 * genotypes only at a lab. Elsewhere the call is refused with 403 before its body is read
 * ({@link AuthorisationBeforeBinding}), so the coordinator can never come to hold patient data.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface AvailableAt {
    PartyRole[] value();
}
