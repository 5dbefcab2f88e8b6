-- Data ingest (issue 7): what an import needs beyond V1.

-- The reference assembly of a genotype dataset (e.g. GRCh37), needed to name the RefSeq
-- sequence of a variant when it is exported as a FHIR Genomics Reporting Observation.
ALTER TABLE genotype_dataset ADD COLUMN reference_assembly TEXT;
-- How the dataset came in: VCF, BCF or FHIR.
ALTER TABLE genotype_dataset ADD COLUMN source_format TEXT;
