package org.genovfl.party.ingest.vcf;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads lines as byte ranges of one reused buffer, so a data line is parsed where it lies
 * instead of being decoded into a String first (the decoding cost as much as the parsing).
 * The buffer grows to the longest line (one line of a cohort VCF: about 4 bytes per sample)
 * and never holds more than that plus one read.
 */
final class LineReader implements AutoCloseable {

    private static final int READ_SIZE = 1 << 16;

    private final InputStream in;
    private byte[] buffer = new byte[1 << 20];
    private int start;
    private int end;
    private int scanned;
    private boolean endOfInput;
    private int lineStart;
    private int lineEnd;

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Advances to the next line ({@code \n} or {@code \r\n} ended, or the last bytes of the
     * input without one).
     *
     * @return false at the end of the input
     */
    boolean next() throws IOException {
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
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
        if (buffer.length - end < READ_SIZE) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            endOfInput = true;
        } else {
            end += n;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
