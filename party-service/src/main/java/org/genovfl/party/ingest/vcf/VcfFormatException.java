package org.genovfl.party.ingest.vcf;

/**
 * A VCF or BCF file that cannot be imported, with the file name and the line (VCF; for BCF
 * the record number, counting header lines as VCF would) where reading stopped. Messages
 * name sample columns by number, never by sample id.
 */
public final class VcfFormatException extends RuntimeException {

    private final String file;
    private final long line;
    private final String reason;
    private final boolean tooLarge;

    public VcfFormatException(String file, long line, String reason) {
        this(file, line, reason, null);
    }

    public VcfFormatException(String file, long line, String reason, Throwable cause) {
        this(file, line, reason, cause, false);
    }

    private VcfFormatException(String file, long line, String reason, Throwable cause, boolean tooLarge) {
        super(file + ":" + line + ": " + reason, cause);
        this.file = file;
        this.line = line;
        this.reason = reason;
        this.tooLarge = tooLarge;
    }

    /** The file went past a size limit (line length, decompressed size): 413 rather than 422. */
    static VcfFormatException tooLarge(String file, long line, InputLimitExceeded limit) {
        return new VcfFormatException(file, line, limit.getMessage(), null, true);
    }

    /** Whether a size limit, not the content, stopped the read. */
    public boolean tooLarge() {
        return tooLarge;
    }

    /** The file name (without directories). */
    public String file() {
        return file;
    }

    /** 1-based line number in the (decompressed) file. */
    public long line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
