import type { ZObject } from 'zapier-platform-core';

import { downloadFile, RESUME_MAX_BYTES, type DownloadLimits } from '../download';

export { RESUME_MAX_BYTES };

/** For the whole download, body included; the lookup before it shares Zapier's 30 s step limit. */
export const RESUME_TIMEOUT_MS = 15_000;

const wording = {
  field: 'Resume',
  file: 'the file',
  advice: 'Check that the file link still works and is not private.',
  tooLargeAdvice: 'Map a smaller file (a PDF or Word document).',
  notALink:
    'Resume: expected a file (or a link to one starting with https://). Map a file from an earlier step, or leave Resume empty.',
  failureStatus: 400,
};

/**
 * Downloads the file behind a Zapier `file` field and returns it base64-encoded, as JazzHR's
 * `base64-resume` expects.
 */
export async function downloadResumeAsBase64(
  z: ZObject,
  fileUrl: string,
  { maxBytes = RESUME_MAX_BYTES, timeoutMs = RESUME_TIMEOUT_MS }: DownloadLimits = {},
): Promise<string> {
  const { bytes, host } = await downloadFile(z, fileUrl, wording, { maxBytes, timeoutMs });
  if (bytes.length === 0) {
    throw new z.errors.Error(
      `Resume: the file from ${host} is empty. Map the resume file itself, or leave Resume empty.`,
      'invalid_input',
      400,
    );
  }
  return bytes.toString('base64');
}
