package org.genovfl.party.ingest.vcf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.genovfl.party.ingest.genomics.DosageRow;
import org.genovfl.party.ingest.genomics.GenotypeStore;

/**
 * Reads a file on a thread of its own and hands its rows over in batches
 * ({@link GenotypeStore#isFullBatch}), so that parsing the next batch overlaps writing the
 * last one: the database works in another process, and on two cores the import then takes
 * about the longer of the two instead of their sum. At most three batches exist at a time
 * (one being parsed, one waiting, one being written), so memory stays bounded.
 *
 * <pre>{@code
 * try (BackgroundParse parse = BackgroundParse.start(reader)) {
 *     for (Batch batch = parse.next(); ; batch = parse.next()) {
 *         batch.rows().forEach(writer);
 *         if (batch.summary() != null) break;
 *     }
 * }
 * }</pre>
 */
final class BackgroundParse implements AutoCloseable {

    /** Rows in file order; the last batch also carries the summary. */
    record Batch(List<DosageRow> rows, VcfDosageReader.Summary summary) {
    }

    /** A batch, or the failure that ended the read. */
    private record HandOver(Batch batch, RuntimeException failure) {
    }

    private final BlockingQueue<HandOver> queue = new ArrayBlockingQueue<>(1);
    private final Thread thread;

    private BackgroundParse(VcfDosageReader reader, String threadName) {
        this.thread = new Thread(() -> run(reader), threadName);
        this.thread.setDaemon(true);
    }

    static BackgroundParse start(VcfDosageReader reader) {
        BackgroundParse parse = new BackgroundParse(reader, "vcf-parse");
        parse.thread.start();
        return parse;
    }

    /**
     * The next batch, waiting for it.
     *
     * @throws VcfFormatException (or any other failure of the read) as the reader threw it
     */
    Batch next() {
        HandOver handOver;
        try {
            handOver = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the file to be read", e);
        }
        if (handOver.failure() != null) {
            throw handOver.failure();
        }
        return handOver.batch();
    }

    private void run(VcfDosageReader reader) {
        var batching = new Object() {
            List<DosageRow> rows = new ArrayList<>();
            long bytes;

            void add(DosageRow row) {
                rows.add(row);
                bytes += row.dosages().length;
                if (GenotypeStore.isFullBatch(rows.size(), bytes)) {
                    put(new HandOver(new Batch(rows, null), null));
                    rows = new ArrayList<>();
                    bytes = 0;
                }
            }
        };
        try {
            HandOver last;
            try {
                VcfDosageReader.Summary summary = reader.read(batching::add);
                last = new HandOver(new Batch(batching.rows, summary), null);
            } catch (Stopped stopped) {
                throw stopped;
            } catch (RuntimeException e) {
                last = new HandOver(null, e);
            } catch (Error e) {
                last = new HandOver(null, new IllegalStateException("reading the file failed: " + e, e));
            }
            put(last);
        } catch (Stopped stopped) {
            // The writer gave up (its transaction failed): nobody waits for the rest.
        }
    }

    private void put(HandOver handOver) {
        try {
            queue.put(handOver);
        } catch (InterruptedException e) {
            throw new Stopped();
        }
    }

    /** Stops the reading thread if it is still running (the writer gave up) and waits for it. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The consumer went away: unwinds the reading thread. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }
}
