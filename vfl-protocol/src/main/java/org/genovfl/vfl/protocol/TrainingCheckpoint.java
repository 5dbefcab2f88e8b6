package org.genovfl.vfl.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * A data holder's state after a completed round: enough to resume the run exactly where
 * it stood. It stays in the party's own database.
 */
public record TrainingCheckpoint(RoundId completed, double[] weights, double[] velocity, double[] bestWeights,
        int bestEpoch) {

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeLong(completed.runId().getMostSignificantBits());
            out.writeLong(completed.runId().getLeastSignificantBits());
            out.writeInt(completed.epoch());
            out.writeInt(completed.batch());
            write(out, weights);
            write(out, velocity);
            write(out, bestWeights);
            out.writeInt(bestEpoch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if the bytes are not a checkpoint of this format */
    public static TrainingCheckpoint fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != 1) {
                throw new IllegalArgumentException("unknown checkpoint format");
            }
            RoundId round = new RoundId(new UUID(in.readLong(), in.readLong()), in.readInt(), in.readInt());
            return new TrainingCheckpoint(round, read(in), read(in), read(in), in.readInt());
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt checkpoint", e);
        }
    }

    private static void write(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static double[] read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("implausible length " + n);
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
