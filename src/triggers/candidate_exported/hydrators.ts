/**
 * Work deferred with z.dehydrate / z.dehydrateFile: Zapier runs these only when a later
 * step actually uses the field, so an export costs no JazzHR requests by itself.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';

import { findApplicantByEmail } from '../../jazzhr/applicant-lookup';
import { withPrivateErrors } from '../../private-errors';
import { downloadFile, fileTooLarge, RESUME_MAX_BYTES, type DownloadWording } from '../../download';

export const resumeFileInput = zod.object({
  url: zod.string().min(1),
  file_name: zod.string().nullish(),
});
export type ResumeFileInput = zod.infer<typeof resumeFileInput>;

/** What a JazzHR attachment link answers with. */
const attachmentDocument = zod.object({
  content: zod.string(),
  mimeType: zod.string().nullish(),
  fileName: zod.string().nullish(),
});

const EXPIRED_STATUSES = new Set([401, 403, 404, 410]);
/** The hydrator runs alone in its 30 s call, so the download may take most of it. */
const DOWNLOAD_TIMEOUT_MS = 25_000;
/** JazzHR's JSON wrapper holds the file in base64, a third larger, plus a few names. */
const WRAPPED_MAX_BYTES = Math.ceil(RESUME_MAX_BYTES / 3) * 4 + 64 * 1024;

function downloadWording(z: ZObject): DownloadWording {
  return {
    field: 'Resume File',
    file: 'the résumé',
    advice: "Try again; JazzHR's links work for 2½ hours after the export.",
    tooLargeAdvice: "Download it from the candidate's profile in JazzHR instead.",
    notALink: 'Resume File: the résumé link in this export is not a web address.',
    failureStatus: 502,
    statusError: (status) =>
      EXPIRED_STATUSES.has(status)
        ? new z.errors.Error(
            `Resume File: JazzHR's résumé link has expired or was withdrawn (HTTP ${status}). Links work for 2½ hours after the export: export the candidate from JazzHR again, or replay the Zap sooner.`,
            'resume_link_expired',
            410,
          )
        : undefined,
  };
}

/**
 * Downloads a résumé attachment (JSON `{content (base64), mimeType, fileName}`, or the file
 * itself) through the app's one capped downloader, and hands the decoded file to Zapier.
 */
export const candidateExportResumeFile = withPrivateErrors(async function candidateExportResumeFile(
  z: ZObject,
  bundle: Bundle,
): Promise<string> {
  const input = resumeFileInput.safeParse(bundle.inputData);
  if (!input.success) {
    throw new z.errors.Error(
      'Resume File: this export has no résumé link to download.',
      'invalid_input',
      400,
    );
  }
  const { url, file_name: fileName } = input.data;
  const wording = downloadWording(z);
  const download = await downloadFile(z, url, wording, {
    accept: 'application/json',
    maxBytes: WRAPPED_MAX_BYTES,
    timeoutMs: DOWNLOAD_TIMEOUT_MS,
    statedMaxBytes: RESUME_MAX_BYTES,
  });
  const document = readAttachmentDocument(download.bytes);
  // Not the documented JSON wrapper: the link served the file itself.
  const file = document === null ? download.bytes : Buffer.from(document.content, 'base64');
  if (file.length === 0) {
    throw new z.errors.Error(
      `Resume File: JazzHR sent an empty file for ${fileName ?? 'this attachment'}.`,
      'resume_empty',
      422,
    );
  }
  if (file.length > RESUME_MAX_BYTES) {
    throw fileTooLarge(z, wording, download.host, RESUME_MAX_BYTES, file.length);
  }
  return z.stashFile(
    file,
    file.length,
    document?.fileName ?? fileName ?? (document === null ? undefined : 'resume'),
    document === null ? download.contentType : (document.mimeType ?? undefined),
  );
});

function readAttachmentDocument(bytes: Buffer): zod.infer<typeof attachmentDocument> | null {
  try {
    const parsed = attachmentDocument.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success && /^[A-Za-z0-9+/=_\s-]*$/.test(parsed.data.content) ? parsed.data : null;
  } catch {
    return null;
  }
}

export const applicantIdInput = zod.object({
  email: zod.string().min(1),
  first_name: zod.string().nullish(),
  last_name: zod.string().nullish(),
});
export type ApplicantIdInput = zod.infer<typeof applicantIdInput>;

/**
 * The REST applicant id (`prospect_…`) for an exported candidate, whose payload carries
 * only numeric internal ids. The lookup matches the email among applicants with the name.
 */
export const candidateExportApplicantId = withPrivateErrors(
  async function candidateExportApplicantId(z: ZObject, bundle: Bundle): Promise<string> {
    const input = applicantIdInput.safeParse(bundle.inputData);
    if (!input.success) {
      throw new z.errors.Error(
        'Applicant ID: this export has no email address, so the JazzHR applicant cannot be looked up.',
        'invalid_input',
        400,
      );
    }
    const applicant = await findApplicantByEmail(z, bundle, {
      email: input.data.email,
      firstName: input.data.first_name ?? undefined,
      lastName: input.data.last_name ?? undefined,
    });
    if (applicant === undefined) {
      throw new z.errors.Error(
        "Applicant ID: no JazzHR applicant with this candidate's name has the exported email address (JazzHR has no email search, so only applicants with the same name are compared). Check that the candidate's email in JazzHR matches the export.",
        'applicant_not_found',
        404,
      );
    }
    return applicant.id;
  },
);

/**
 * Registered in the app's `hydrators`, where z.dehydrate finds them by identity; each is
 * wrapped where it is defined, so the pointer and the registry hold the same function.
 */
export const candidateExportedHydrators = {
  candidateExportResumeFile,
  candidateExportApplicantId,
};
