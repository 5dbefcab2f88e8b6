package org.genovfl.party.peer;

import java.io.InputStream;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP body bytes of the calls this party made to one peer since it started: what it sent
 * (request bodies, every attempt) and what it received (answers). Headers and TLS framing
 * are not counted. Each exchange is counted once in the whole network, by the party that
 * made the call, so the sum over all parties is the traffic between them.
 */
public final class PeerTraffic {

    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();

    /** A snapshot of the counters. */
    public record Bytes(long sent, long received) {
    }

    public Bytes bytes() {
        return new Bytes(sent.sum(), received.sum());
    }

    void sent(long bytes) {
        sent.add(bytes);
    }

    InputStream countSent(InputStream body) {
        return new CountingInputStream(body, sent::add);
    }

    InputStream countReceived(InputStream body) {
        return new CountingInputStream(body, received::add);
    }
}
