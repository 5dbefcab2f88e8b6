package org.genovfl.audit.chaincode;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Committed key-value state; a transaction's writes apply only if it returns normally. */
final class CommittedState {
    final TreeMap<String, String> committed = new TreeMap<>();

    <T> T transaction(java.util.function.Function<WorldState, T> body) {
        Map<String, String> writes = new HashMap<>();
        T result = body.apply(view(writes));
        committed.putAll(writes);
        return result;
    }

    String read(java.util.function.Function<WorldState, String> query) {
        return query.apply(view(new HashMap<>()));
    }

    private WorldState view(Map<String, String> writes) {
        return new WorldState() {
            @Override
            public String get(String key) {
                return committed.get(key);
            }

            @Override
            public void put(String key, String value) {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("Fabric treats an empty value as a delete");
                }
                writes.put(key, value);
            }

            @Override
            public List<Map.Entry<String, String>> range(String start, String end) {
                return committed.subMap(start, end).entrySet().stream()
                        .<Map.Entry<String, String>>map(e -> new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()))
                        .toList();
            }
        };
    }
}
