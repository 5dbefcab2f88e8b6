package org.genovfl.party.config;

/** What an organisation is in a study. The same values name rows of the {@code party} table. */
public enum PartyRole {
    /** Holds clinical data and the outcome label. */
    HOSPITAL,
    /** Holds genotypes. */
    LAB,
    /** Defines projects, holds the CKKS secret key, drives training. */
    COORDINATOR,
    /** Reads the audit trail; never a data holder. */
    REGULATOR
}
