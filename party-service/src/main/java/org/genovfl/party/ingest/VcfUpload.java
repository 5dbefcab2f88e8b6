package org.genovfl.party.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.genovfl.party.ingest.genomics.ImportedDataset;
import org.genovfl.party.ingest.vcf.SampleSheet;
import org.genovfl.party.ingest.vcf.VcfImporter;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

/**
 * Imports an uploaded VCF/BCF (and optional sample sheet): the parts go to a private
 * temporary directory, which the importer reads as files, and are deleted afterwards
 * whatever happens. Shared by {@code POST /api/ingest/vcf} and the admin's upload page.
 */
@Component
public class VcfUpload {

    private final VcfImporter vcf;

    VcfUpload(VcfImporter vcf) {
        this.vcf = vcf;
    }

    /** @throws org.genovfl.party.ingest.vcf.VcfFormatException with file and line if the file is refused */
    public ImportedDataset importUpload(String name, MultipartFile file, MultipartFile sampleSheet) throws IOException {
        Path directory = Files.createTempDirectory("genovfl-vcf-");
        try {
            String fileName = Path.of(file.getOriginalFilename() == null || file.getOriginalFilename().isBlank()
                    ? "upload.vcf" : file.getOriginalFilename()).getFileName().toString();
            Path vcfFile = save(file, directory.resolve(fileName));
            SampleSheet sheet = sampleSheet == null || sampleSheet.isEmpty() ? SampleSheet.identity()
                    : SampleSheet.read(save(sampleSheet, directory.resolve("sample-sheet.csv")));
            return vcf.importFile(vcfFile, name, sheet);
        } finally {
            try (var files = Files.list(directory)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(directory);
        }
    }

    private static Path save(MultipartFile part, Path target) throws IOException {
        try (InputStream in = part.getInputStream()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
