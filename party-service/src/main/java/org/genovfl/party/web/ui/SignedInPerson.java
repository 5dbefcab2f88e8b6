package org.genovfl.party.web.ui;

import java.util.Set;
import java.util.stream.Collectors;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.config.UserRole;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who is looking at a page, at which party: what the navigation shows. A page's role is
 * enforced by {@link WebSecurityConfiguration}; this only decides what to offer.
 */
public record SignedInPerson(String username, Set<UserRole> roles, String organisation, PartyRole party) {

    static SignedInPerson of(Authentication authentication, String organisation, PartyRole party) {
        Set<String> authorities = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .collect(Collectors.toSet());
        Set<UserRole> roles = java.util.EnumSet.noneOf(UserRole.class);
        for (UserRole role : UserRole.values()) {
            if (authorities.contains(role.authority())) {
                roles.add(role);
            }
        }
        return new SignedInPerson(authentication.getName(), roles, organisation, party);
    }

    public boolean coordinator() {
        return roles.contains(UserRole.COORDINATOR);
    }

    public boolean admin() {
        return roles.contains(UserRole.PARTY_ADMIN);
    }

    public boolean regulator() {
        return roles.contains(UserRole.REGULATOR);
    }

    /** The coordinator's pages work at the coordinator party only. */
    public boolean atCoordinator() {
        return party == PartyRole.COORDINATOR;
    }

    /** A data holder: a hospital or a lab. */
    public boolean atDataHolder() {
        return party == PartyRole.HOSPITAL || party == PartyRole.LAB;
    }

    /** The page a person lands on after signing in. */
    public String home() {
        if (coordinator() && atCoordinator()) {
            return "/ui/coordinator/projects";
        }
        if (admin() && atDataHolder()) {
            return "/ui/admin/data";
        }
        if (regulator()) {
            return "/ui/regulator/audit";
        }
        if (admin() || coordinator()) {
            return "/ui/peers";
        }
        return "/ui/forbidden";
    }

    public String roleNames() {
        return roles.stream().map(r -> switch (r) {
            case COORDINATOR -> "Coordinator";
            case PARTY_ADMIN -> "Party admin";
            case REGULATOR -> "Regulator";
        }).sorted().collect(Collectors.joining(", "));
    }
}
