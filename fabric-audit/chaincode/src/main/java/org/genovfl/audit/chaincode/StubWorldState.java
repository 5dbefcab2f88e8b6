package org.genovfl.audit.chaincode;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;

/** The world state of one transaction through the shim, for both contracts. */
record StubWorldState(ChaincodeStub stub) implements WorldState {

    @Override
    public String get(String key) {
        String value = stub.getStringState(key);
        return value == null || value.isEmpty() ? null : value;
    }

    @Override
    public void put(String key, String value) {
        stub.putStringState(key, value);
    }

    @Override
    public List<Map.Entry<String, String>> range(String startInclusive, String endExclusive) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        try (QueryResultsIterator<KeyValue> results = stub.getStateByRange(startInclusive, endExclusive)) {
            for (KeyValue kv : results) {
                entries.add(new AbstractMap.SimpleImmutableEntry<>(kv.getKey(), kv.getStringValue()));
            }
        } catch (Exception e) {
            throw new IllegalStateException("range query failed: " + e.getMessage(), e);
        }
        return entries;
    }
}
