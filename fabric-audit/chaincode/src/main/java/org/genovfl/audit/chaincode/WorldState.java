package org.genovfl.audit.chaincode;

import java.util.List;
import java.util.Map;

/**
 * The part of Fabric's world state the audit chaincode uses, so its rules read as plain Java.
 * As in Fabric, a transaction does not see its own writes: {@link #get} returns the value
 * committed before the transaction, whatever {@link #put} did since.
 */
interface WorldState {

    /** The committed value of {@code key}, or null. */
    String get(String key);

    /** Writes {@code value} (never empty: Fabric treats an empty value as a delete). */
    void put(String key, String value);

    /** Committed entries with {@code startInclusive <= key < endExclusive}, in key order. */
    List<Map.Entry<String, String>> range(String startInclusive, String endExclusive);
}
