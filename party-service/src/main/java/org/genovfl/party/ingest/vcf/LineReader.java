package org.genovfl.party.ingest.vcf;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads lines as byte ranges of one reused buffer, so a data line is parsed where it lies
 * instead of being decoded into a String first (the decoding cost as much as the parsing).
 * The buffer grows to the longest line (one line of a cohort VCF: about 4 bytes per sample)
 * and never holds more than that plus one read; a line longer than the cap it was given
 * stops the read with {@link InputLimitExceeded} instead of growing the buffer further.
 */
final class LineReader implements AutoCloseable {

    private static final int READ_SIZE = 1 << 16;

    private final InputStream in;
    private final int maxLineBytes;
    private byte[] buffer;
    private int start;
    private int end;
    private int scanned;
    private boolean endOfInput;
    private int lineStart;
    private int lineEnd;

    /** @param maxLineBytes the longest line accepted, line end included */
    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.buffer = new byte[Math.min(1 << 20, maxLineBytes + READ_SIZE)];
    }

    /**
     * Advances to the next line ({@code \n} or {@code \r\n} ended, or the last bytes of the
     * input without one).
     *
     * @return false at the end of the input
     * @throws InputLimitExceeded if the line is longer than the cap
     */
    boolean next() throws IOException {
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    requireWithinLimit(i - start);
                    lineStart = start;
                    lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    start = i + 1;
                    scanned = start;
                    return true;
                }
            }
            scanned = end;
            if (endOfInput) {
                if (start == end) {
                    return false;
                }
                requireWithinLimit(end - start);
                lineStart = start;
                lineEnd = end;
                start = end;
                return true;
            }
            fill();
        }
    }

    /** The current line: {@code buffer()[start() .. end())}. */
    byte[] buffer() {
        return buffer;
    }

    int start() {
        return lineStart;
    }

    int end() {
        return lineEnd;
    }

    String text() {
        return new String(buffer, lineStart, lineEnd - lineStart, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            scanned -= start;
            start = 0;
        }
        requireWithinLimit(end - start);
        if (buffer.length - end < READ_SIZE) {
            buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, (long) maxLineBytes + 2 * READ_SIZE));
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            endOfInput = true;
        } else {
            end += n;
        }
    }

    private void requireWithinLimit(long lineBytes) throws InputLimitExceeded {
        if (lineBytes > maxLineBytes) {
            throw new InputLimitExceeded("a line is longer than " + maxLineBytes + " bytes (genovfl.limits.max-vcf-line-size)");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
