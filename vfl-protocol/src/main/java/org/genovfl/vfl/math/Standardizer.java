package org.genovfl.vfl.math;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Per-column standardisation with mean imputation, fitted on a party's own training rows.
 * Its statistics never leave the party: they are part of the party's model, not of any
 * message. Missing values (NaN) become the training mean, i.e. 0 after standardisation;
 * a constant column becomes all zeros.
 */
public final class Standardizer {

    private static final int FORMAT = 1;

    private final double[] mean;
    private final double[] scale;

    private Standardizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /** Fits on {@code rows} of {@code x} (row-major, {@code x[row][column]}). */
    public static Standardizer fit(double[][] x, int[] rows) {
        int columns = x.length == 0 ? 0 : x[0].length;
        double[] mean = new double[columns];
        double[] scale = new double[columns];
        for (int c = 0; c < columns; c++) {
            double sum = 0;
            int count = 0;
            for (int r : rows) {
                double v = x[r][c];
                if (!Double.isNaN(v)) {
                    sum += v;
                    count++;
                }
            }
            double m = count == 0 ? 0 : sum / count;
            double squares = 0;
            for (int r : rows) {
                double v = x[r][c];
                if (!Double.isNaN(v)) {
                    squares += (v - m) * (v - m);
                }
            }
            double sd = count < 2 ? 0 : Math.sqrt(squares / (count - 1));
            mean[c] = m;
            scale[c] = sd > 1e-12 ? sd : 0;
        }
        return new Standardizer(mean, scale);
    }

    /** Number of columns it standardises. */
    public int columns() {
        return mean.length;
    }

    /**
     * The statistics as bytes (format 1, a column count, then mean and scale per column as
     * IEEE doubles, big-endian), kept in the party's own database with its released model.
     */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(8 + 16 * mean.length).putInt(FORMAT).putInt(mean.length);
        for (int c = 0; c < mean.length; c++) {
            out.putDouble(mean[c]).putDouble(scale[c]);
        }
        return out.array();
    }

    /**
     * Reads statistics written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not such statistics (format, length,
     *     or a value that is not finite or a negative scale)
     */
    public static Standardizer fromBytes(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int format = in.getInt();
            int columns = in.getInt();
            if (format != FORMAT || columns < 0 || bytes.length != 8 + 16L * columns) {
                throw new IllegalArgumentException("not standardisation statistics of format " + FORMAT);
            }
            double[] mean = new double[columns];
            double[] scale = new double[columns];
            for (int c = 0; c < columns; c++) {
                mean[c] = in.getDouble();
                scale[c] = in.getDouble();
                if (!Double.isFinite(mean[c]) || !Double.isFinite(scale[c]) || scale[c] < 0) {
                    throw new IllegalArgumentException("column " + c + " has an invalid mean or scale");
                }
            }
            return new Standardizer(mean, scale);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated standardisation statistics", e);
        }
    }

    /** A standardised copy of every row of {@code x}. */
    public double[][] transform(double[][] x) {
        double[][] out = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            out[r] = new double[mean.length];
            for (int c = 0; c < mean.length; c++) {
                double v = x[r][c];
                out[r][c] = Double.isNaN(v) || scale[c] == 0 ? 0 : (v - mean[c]) / scale[c];
            }
        }
        return out;
    }
}
