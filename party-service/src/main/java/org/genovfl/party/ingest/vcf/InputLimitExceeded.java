package org.genovfl.party.ingest.vcf;

import java.io.IOException;
import java.io.InputStream;

/**
 * A variant file went past a configured limit (line length, decompressed size): the read
 * stops there instead of exhausting memory or disk. An IOException, so it travels through
 * the decompressing streams of htsjdk and the JDK unchanged.
 */
final class InputLimitExceeded extends IOException {

    InputLimitExceeded(String reason) {
        super(reason);
    }

    /** The limit in {@code e}'s causes, if a limit is what stopped the read. */
    static InputLimitExceeded in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputLimitExceeded limit) {
                return limit;
            }
        }
        return null;
    }

    /** {@code in}, stopping with InputLimitExceeded once more than {@code maxBytes} were read from it. */
    static InputStream capped(InputStream in, long maxBytes) {
        return new java.io.FilterInputStream(in) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                count(Math.max(n, 0));
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                count(skipped);
                return skipped;
            }

            private void count(long n) throws InputLimitExceeded {
                read += n;
                if (read > maxBytes) {
                    throw new InputLimitExceeded("the file decompresses to more than " + maxBytes
                            + " bytes (genovfl.limits.max-vcf-decompressed-size)");
                }
            }
        };
    }
}
