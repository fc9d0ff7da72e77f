/**
 * Which exports a Candidate Exported Zap wants: those sent to one named JazzHR integration
 * (its channel on the relay), and among them those whose candidate has a matching job.
 */
import type { Bundle, PlainInputField, ZObject } from 'zapier-platform-core';

import {
  channelFromIntegrationName,
  STATUS_CATEGORIES,
  type CandidateExport,
  type PositionFilter,
} from '../../webhook';

export const INTEGRATION_NAME_LABEL = 'JazzHR Integration Name';

export const integrationNameField = {
  key: 'integration_name',
  label: INTEGRATION_NAME_LABEL,
  required: false,
  altersDynamicFields: true,
  helpText:
    'Optional. To send only some candidates to this Zap, type a name for a JazzHR Candidate Export Integration, for example **Zapier – Payroll**: the box below then shows the URL for an integration of that name, and only candidates sent to it (by a recruiter, or by a Workflow Helper\'s "Send to …") start this Zap. Leave empty to get every candidate sent to the shared Zapier integration.',
} satisfies PlainInputField;

const FILTER_LABELS = {
  status_category: 'Status Category',
  status_name: 'Status Name',
  job_title: 'Job Title',
} as const;

export const statusFilterFields = [
  {
    key: 'status_category',
    label: FILTER_LABELS.status_category,
    required: false,
    choices: STATUS_CATEGORIES.map((category) => ({
      value: category,
      sample: category,
      label: category,
    })),
    helpText:
      'Optional. Only candidates whose status on the exported job is in this JazzHR category start the Zap. Leave empty for any category.',
  },
  {
    key: 'status_name',
    label: FILTER_LABELS.status_name,
    required: false,
    helpText:
      'Optional. Only candidates at this workflow step (its name as JazzHR shows it, for example **Phone Screen**; case does not matter) start the Zap.',
  },
  {
    key: 'job_title',
    label: FILTER_LABELS.job_title,
    required: false,
    helpText:
      'Optional. Only candidates exported for a job with this title (case does not matter) start the Zap.',
  },
] satisfies PlainInputField[];

/** The filters the Zap's inputs set; blank inputs set none. */
export function positionFilterOf(inputData: Bundle['inputData'] | undefined): PositionFilter {
  const filter: PositionFilter = {};
  const statusCategory = textInput(inputData, 'status_category');
  const statusName = textInput(inputData, 'status_name');
  const jobTitle = textInput(inputData, 'job_title');
  if (statusCategory) filter.statusCategory = statusCategory;
  if (statusName) filter.statusName = statusName;
  if (jobTitle) filter.jobTitle = jobTitle;
  return filter;
}

/** 'Status Category “Hired” and Job Title “Payroll Clerk”': for log lines. */
export function describeFilter(filter: PositionFilter): string {
  const parts = [
    filter.statusCategory && `${FILTER_LABELS.status_category} “${filter.statusCategory}”`,
    filter.statusName && `${FILTER_LABELS.status_name} “${filter.statusName}”`,
    filter.jobTitle && `${FILTER_LABELS.job_title} “${filter.jobTitle}”`,
  ].filter((part): part is string => Boolean(part));
  return parts.length <= 1
    ? (parts[0] ?? 'no filter')
    : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** The status categories an export's jobs are in: safe to log (JazzHR's four words, no candidate data). */
export function statusCategoriesOf(payload: CandidateExport): string {
  const known = new Map(STATUS_CATEGORIES.map((category) => [category.toLowerCase(), category]));
  const seen = new Set<string>();
  for (const profile of payload.candidate.profiles) {
    for (const position of profile?.associatedPositionOpenings ?? []) {
      const category = position?.candidateStatus?.category?.trim().toLowerCase() ?? '';
      seen.add(known.get(category) ?? 'none');
    }
  }
  return seen.size === 0 ? 'no jobs' : [...seen].join(', ');
}

export interface ExportRouting {
  /** The integration name as the user typed it; undefined for the shared integration. */
  integrationName?: string;
  /** The relay channel derived from the name; undefined for the default channel. */
  channel?: string;
  filter: PositionFilter;
}

/**
 * Reads and checks the Zap's routing inputs, for subscribe and performList. Throws an error
 * naming the field for a name without letters or digits and for an unknown status category.
 */
export function exportRouting(z: ZObject, bundle: Pick<Bundle, 'inputData'>): ExportRouting {
  const filter = positionFilterOf(bundle.inputData);
  const category = filter.statusCategory;
  if (category !== undefined) {
    const known = STATUS_CATEGORIES.find((name) => name.toLowerCase() === category.toLowerCase());
    if (known === undefined) {
      throw new z.errors.Error(
        `${FILTER_LABELS.status_category} must be one of ${STATUS_CATEGORIES.join(', ')} (or empty for any); pick one from the list.`,
        'invalid_input',
        400,
      );
    }
    filter.statusCategory = known;
  }
  return { ...integrationChannel(z, bundle), filter };
}

/** The named integration's channel; neither for the shared integration. Throws for a name that yields no channel. */
export function integrationChannel(
  z: ZObject,
  bundle: Pick<Bundle, 'inputData'>,
): { integrationName?: string; channel?: string } {
  const integrationName = textInput(bundle.inputData, 'integration_name');
  if (integrationName === undefined) return {};
  const channel = channelFromIntegrationName(integrationName);
  if (channel === '') throw new z.errors.Error(EMPTY_CHANNEL_MESSAGE, 'invalid_input', 400);
  return { integrationName, channel };
}

const EMPTY_CHANNEL_MESSAGE = `${INTEGRATION_NAME_LABEL} must contain at least one letter or digit: JazzHR routes candidates by this name, and one made only of punctuation or spaces cannot tell integrations apart. Use the name you give the integration in JazzHR, for example "Zapier – Payroll", or leave it empty.`;

function textInput(inputData: Bundle['inputData'] | undefined, key: string): string | undefined {
  const value: unknown = inputData?.[key];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
