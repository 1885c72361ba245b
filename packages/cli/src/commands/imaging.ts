import { maskIdentifier } from '@lienthong/core';
import type { ImagingReference } from '@lienthong/imaging';
import { createDicomwebImagingRegistry } from '@lienthong/imaging/dicomweb';
import { scanFolderToReferences } from '@lienthong/imaging/scanner';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';

function describeReference(ref: ImagingReference): string {
  const patient = ref.patient.identifiers.map((i) => maskIdentifier(i.value)).join(', ') || '-';
  const series = ref.series.map(
    (s) => `    series ${s.number ?? '-'} ${s.modality} ${s.uid} (${s.instanceCount})`,
  );
  return [
    `${ref.studyDate ?? '----------'}  ${ref.modalities.join('/') || '-'}  ${ref.studyInstanceUid}`,
    `    patient ${patient}; ${ref.series.length} series, ${ref.instanceCount} instances${ref.description ? `; ${ref.description}` : ''}`,
    ...series,
  ].join('\n');
}

/** `lienthong imaging scan|query` — Part-10 folder scan and QIDO-RS query, one reference per study. */
export function registerImagingCommands(program: Command, io: CliIo): void {
  const imaging = program
    .command('imaging')
    .description('imaging references (hình ảnh): scan DICOM folders, query a PACS over QIDO-RS');

  imaging
    .command('scan')
    .description('read the headers of every DICOM Part-10 file under a folder; one reference per study')
    .argument('<dir>', 'folder to scan recursively')
    .option('--json', 'print JSON')
    .option('--facility <code>', 'code of the performing facility (mã cơ sở KCB)')
    .option('--wado <base-url>', 'WADO-RS base URL where the studies can be retrieved')
    .action(async (dir: string, opts: { json?: boolean; facility?: string; wado?: string }) => {
      let last = 0;
      const scan = await scanFolderToReferences(dir, {
        ...(opts.facility ? { facility: opts.facility } : {}),
        ...(opts.wado ? { wadoRsBase: opts.wado } : {}),
        onProgress: ({ files, instances, skipped }) => {
          const now = Date.now();
          if (now - last < 100 && files > 1) return;
          last = now;
          io.stderr(`\rscanning… ${files} files, ${instances} DICOM, ${skipped} skipped`);
        },
      });
      io.stderr(`\rscanned ${scan.files} files: ${scan.instances} DICOM, ${scan.skipped.length} skipped\n`);
      for (const s of scan.skipped) io.stderr(`skipped ${s.file}: ${s.code}\n`);
      printResult(io, opts.json === true, scan, () =>
        scan.references.length === 0
          ? 'no DICOM studies found'
          : scan.references.map(describeReference).join('\n'),
      );
    });

  imaging
    .command('query')
    .description('search a PACS over QIDO-RS; one reference per study')
    .argument('<qido-base-url>', 'DICOMweb root, e.g. https://pacs.example.vn/dicom-web')
    .option('--patient-id <id>', 'DICOM Patient ID')
    .option('--modality <code>', 'modality in study, e.g. CT')
    .option('--json', 'print JSON')
    .action(async (base: string, opts: { patientId?: string; modality?: string; json?: boolean }) => {
      const registry = createDicomwebImagingRegistry({ baseUrl: base });
      const references: ImagingReference[] = [];
      for await (const ref of registry.query({
        ...(opts.patientId ? { patientIdentifier: { value: opts.patientId } } : {}),
        ...(opts.modality ? { modality: opts.modality.toUpperCase() } : {}),
      })) {
        references.push(ref);
        io.stderr(`\rfound ${references.length} studies`);
      }
      if (references.length > 0) io.stderr('\n');
      printResult(io, opts.json === true, { references }, () =>
        references.length === 0 ? 'no studies found' : references.map(describeReference).join('\n'),
      );
    });
}
