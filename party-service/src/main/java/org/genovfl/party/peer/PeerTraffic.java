package org.genovfl.party.peer;

import java.io.FilterInputStream;
import java.io.IOException;
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
        return new CountingInputStream(body, sent);
    }

    InputStream countReceived(InputStream body) {
        return new CountingInputStream(body, received);
    }

    private static final class CountingInputStream extends FilterInputStream {
        private final LongAdder counter;

        CountingInputStream(InputStream in, LongAdder counter) {
            super(in);
            this.counter = counter;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counter.increment();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counter.add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            counter.add(skipped);
            return skipped;
        }
    }
}
