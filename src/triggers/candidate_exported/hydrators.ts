/**
 * Work deferred with z.dehydrate / z.dehydrateFile: Zapier runs these only when a later
 * step actually uses the field, so an export costs no JazzHR requests by itself.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';

import { findApplicantByEmail } from '../../jazzhr/applicant-lookup';
import { withPrivateErrors } from '../../private-errors';
import { webLinkHost } from '../../web-link';

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
const DOWNLOAD_TIMEOUT_MS = 25_000;

/**
 * Downloads a résumé attachment (JSON `{content (base64), mimeType, fileName}`) and hands
 * the decoded file to Zapier. The request carries no API key: the link's own token is the
 * access. Errors name only the host, since the link itself grants access to the file.
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
  const host = webLinkHost(url);
  if (host === undefined) {
    throw new z.errors.Error(
      'Resume File: the résumé link in this export is not a web address.',
      'invalid_input',
      400,
    );
  }

  let response;
  try {
    response = await z.request({
      url,
      method: 'GET',
      headers: { accept: 'application/json' },
      raw: true,
      skipThrowForStatus: true,
      timeout: DOWNLOAD_TIMEOUT_MS,
    });
  } catch {
    throw new z.errors.Error(
      `Resume File: could not download the résumé from ${host}. Try again; JazzHR's links work for 2½ hours after the export.`,
      'resume_unreachable',
      502,
    );
  }
  if (EXPIRED_STATUSES.has(response.status)) {
    throw new z.errors.Error(
      `Resume File: JazzHR's résumé link has expired or was withdrawn (HTTP ${response.status}). Links work for 2½ hours after the export: export the candidate from JazzHR again, or replay the Zap sooner.`,
      'resume_link_expired',
      410,
    );
  }
  if (response.status < 200 || response.status >= 300) {
    throw new z.errors.Error(
      `Resume File: downloading the résumé from ${host} failed with HTTP ${response.status}. Try again in a few minutes.`,
      'resume_unreachable',
      502,
    );
  }

  const bytes = await response.buffer();
  const document = readAttachmentDocument(bytes);
  if (document === null) {
    // Not the documented JSON wrapper: the link served the file itself.
    const contentType = response.headers.get('content-type') ?? undefined;
    return z.stashFile(bytes, bytes.length, fileName ?? undefined, contentType);
  }
  const file = Buffer.from(document.content, 'base64');
  if (file.length === 0) {
    throw new z.errors.Error(
      `Resume File: JazzHR sent an empty file for ${fileName ?? 'this attachment'}.`,
      'resume_empty',
      422,
    );
  }
  return z.stashFile(
    file,
    file.length,
    document.fileName ?? fileName ?? 'resume',
    document.mimeType ?? undefined,
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
