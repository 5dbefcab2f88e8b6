package org.genovfl.party.config;

/** Roles of people. Each endpoint names the role it needs. */
public enum UserRole {
    /** Defines projects and runs studies. */
    COORDINATOR,
    /** Administers one party: imports data, manages peers. */
    PARTY_ADMIN,
    /** Reads audit trails and verifies artifacts; writes nothing. */
    REGULATOR;

    /** The Spring Security authority for this role. */
    public String authority() {
        return "ROLE_" + name();
    }
}
