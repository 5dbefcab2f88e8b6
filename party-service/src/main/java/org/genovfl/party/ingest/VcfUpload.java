package org.genovfl.party.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.genovfl.party.files.PartyDataDirectory;
import org.genovfl.party.ingest.genomics.ImportedDataset;
import org.genovfl.party.ingest.vcf.SampleSheet;
import org.genovfl.party.ingest.vcf.VcfImporter;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

/**
 * Imports an uploaded VCF/BCF (and optional sample sheet): everything about the request is
 * checked before anything is written, so a refused upload can be retried without
 * duplicating a dataset; the parts go to an owner-only directory under the party's upload
 * directory (never the shared /tmp), which the importer reads as files, and are deleted
 * afterwards whatever happens (a kill before that is cleaned up at the next start).
 * Shared by {@code POST /api/ingest/vcf} and the admin's upload page.
 */
@Component
public class VcfUpload {

    private final VcfImporter vcf;
    private final PartyDataDirectory directories;

    VcfUpload(VcfImporter vcf, PartyDataDirectory directories) {
        this.vcf = vcf;
        this.directories = directories;
    }

    /**
     * @throws InvalidUpload naming the parameter if the dataset name or file name is unusable
     * @throws org.genovfl.party.ingest.vcf.VcfFormatException with file and line if the file is refused
     */
    public ImportedDataset importUpload(String name, MultipartFile file, MultipartFile sampleSheet) throws IOException {
        requireDatasetName(name);
        String fileName = uploadedFileName(file);
        Path directory = directories.newUploadDirectory("vcf-");
        try {
            Path vcfFile = UploadFiles.save(file, directory.resolve(fileName));
            SampleSheet sheet = sampleSheet == null || sampleSheet.isEmpty() ? SampleSheet.identity()
                    : SampleSheet.read(UploadFiles.save(sampleSheet, Files.createDirectory(directory.resolve("sheet"))
                            .resolve("sample-sheet.csv")), 1024L * vcf.limits().maxVcfSamples());
            return vcf.importFile(vcfFile, name, sheet);
        } finally {
            UploadFiles.delete(directory);
        }
    }

    /** The client's name of the uploaded file, as the file's name in problems; never a path. */
    private static String uploadedFileName(MultipartFile file) {
        String given = file.getOriginalFilename() == null ? "upload.vcf" : file.getOriginalFilename();
        String fileName = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
        if (fileName.isBlank() || fileName.equals(".") || fileName.equals("..") || fileName.length() > 255
                || fileName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidUpload("file", "the part 'file' needs a file name (1 to 255 characters, not '.' or '..')");
        }
        return fileName;
    }

    private static void requireDatasetName(String name) {
        if (name.isBlank() || name.length() > 200) {
            throw new InvalidUpload("name", "the dataset name must be 1 to 200 characters");
        }
    }

    /** A request refused before anything was read or written, naming the parameter at fault. */
    public static final class InvalidUpload extends RuntimeException {
        private final String parameter;

        InvalidUpload(String parameter, String detail) {
            super(detail);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }
}
