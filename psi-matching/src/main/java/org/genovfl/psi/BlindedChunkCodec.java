package org.genovfl.psi;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import java.util.function.Supplier;
import org.genovfl.psi.PsiMessages.BlindedChunk;
import org.genovfl.psi.PsiMessages.Stage;

/**
 * The binary form of a stream of {@link BlindedChunk}s, for transports that stream bytes
 * (media type {@value #MEDIA_TYPE}). Each frame is
 * {@code runId (16 bytes) | stage (1) | offset (int32) | count (int32) | count × 32 bytes},
 * big-endian; a frame with count 0 ends the stream, so a truncated stream (a peer that
 * disappeared mid-way) is told apart from a complete one.
 */
public final class BlindedChunkCodec {

    public static final String MEDIA_TYPE = "application/vnd.genovfl.psi-chunks";

    private BlindedChunkCodec() {
    }

    /** Writes one chunk as a frame. */
    public static void write(DataOutputStream out, BlindedChunk chunk) throws IOException {
        writeFrame(out, chunk.runId(), chunk.stage(), chunk.offset(), chunk.count());
        out.write(chunk.points());
    }

    /** Writes the frame that ends a stream. */
    public static void writeEnd(DataOutputStream out, UUID runId, Stage stage) throws IOException {
        writeFrame(out, runId, stage, 0, 0);
        out.flush();
    }

    /**
     * Reads the next chunk, or {@code null} at the end frame.
     *
     * @param maxCount the most elements a frame may hold; larger frames are refused before
     *     any allocation, so a hostile peer cannot make us allocate at will
     * @throws EOFException if the stream stops before its end frame
     * @throws PsiException {@link PsiException.Reason#PROTOCOL_VIOLATION} for a malformed frame
     */
    public static BlindedChunk read(DataInputStream in, UUID expectedRun, int maxCount) throws IOException {
        UUID runId = new UUID(in.readLong(), in.readLong());
        int stageOrdinal = in.readUnsignedByte();
        int offset = in.readInt();
        int count = in.readInt();
        if (!expectedRun.equals(runId)) {
            throw new PsiException(expectedRun, PsiException.Reason.PROTOCOL_VIOLATION, "a frame belongs to another run");
        }
        if (stageOrdinal >= Stage.values().length || offset < 0 || count < 0 || count > maxCount) {
            throw new PsiException(expectedRun, PsiException.Reason.PROTOCOL_VIOLATION,
                    "malformed frame header (stage " + stageOrdinal + ", offset " + offset + ", count " + count + ")");
        }
        if (count == 0) {
            return null;
        }
        byte[] points = new byte[count * 32];
        in.readFully(points);
        return new BlindedChunk(runId, Stage.values()[stageOrdinal], offset, points);
    }

    /** Wraps a stream for {@link #read}. */
    public static DataInputStream reader(InputStream in) {
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    /** Wraps a stream for {@link #write}. */
    public static DataOutputStream writer(OutputStream out) {
        return new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
    }

    /**
     * A stream of frames produced on demand: each time it runs dry it asks {@code next}
     * for another chunk, and after the last ({@code null}) it yields the end frame. Lets a
     * transport send a whole stage while holding one chunk in memory.
     */
    public static InputStream asInputStream(UUID runId, Stage stage, Supplier<BlindedChunk> next) {
        return new InputStream() {
            private byte[] buffer = new byte[0];
            private int position;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                while (position == buffer.length) {
                    if (ended) {
                        return -1;
                    }
                    ByteArrayOutputStream frame = new ByteArrayOutputStream();
                    DataOutputStream out = new DataOutputStream(frame);
                    BlindedChunk chunk = next.get();
                    if (chunk == null) {
                        writeEnd(out, runId, stage);
                        ended = true;
                    } else {
                        write(out, chunk);
                    }
                    out.flush();
                    buffer = frame.toByteArray();
                    position = 0;
                }
                int n = Math.min(length, buffer.length - position);
                System.arraycopy(buffer, position, into, offset, n);
                position += n;
                return n;
            }
        };
    }

    private static void writeFrame(DataOutputStream out, UUID runId, Stage stage, int offset, int count)
            throws IOException {
        out.writeLong(runId.getMostSignificantBits());
        out.writeLong(runId.getLeastSignificantBits());
        out.writeByte(stage.ordinal());
        out.writeInt(offset);
        out.writeInt(count);
    }
}
