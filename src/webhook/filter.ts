/**
 * Which of an export's job applications a Zap wants: by the candidate's status on the job
 * (JazzHR's category, or the workflow step's name) and by the job's title. Each profile of a
 * candidate export lists the jobs it applies to (`associatedPositionOpenings`), each with its
 * own `candidateStatus`; the export is wanted when at least one of them matches every filter.
 */
import type { CandidateExport } from './payload';

/** JazzHR's status categories, as `candidateStatus.category` spells them. */
export const STATUS_CATEGORIES = ['New', 'Active', 'Hired', 'Not Hired'] as const;

export interface PositionFilter {
  /** One of STATUS_CATEGORIES, compared without regard to case. */
  statusCategory?: string;
  /** The workflow step's name (`candidateStatus.name`), compared without regard to case. */
  statusName?: string;
  /** The job's title (`positionTitle`), compared without regard to case. */
  jobTitle?: string;
}

type Profile = NonNullable<CandidateExport['candidate']['profiles'][number]>;
export type PositionOpening = NonNullable<Profile['associatedPositionOpenings'][number]>;

/** True when no filter is set, so every export is wanted. */
export function isEmptyFilter(filter: PositionFilter): boolean {
  return !filter.statusCategory && !filter.statusName && !filter.jobTitle;
}

export function positionMatches(position: PositionOpening, filter: PositionFilter): boolean {
  return (
    sameText(filter.statusCategory, position.candidateStatus?.category) &&
    sameText(filter.statusName, position.candidateStatus?.name) &&
    sameText(filter.jobTitle, position.positionTitle)
  );
}

/** Whether any job the export's candidate applied to matches every filter that is set. */
export function exportMatchesFilter(payload: CandidateExport, filter: PositionFilter): boolean {
  if (isEmptyFilter(filter)) return true;
  return payload.candidate.profiles.some((profile) =>
    (profile?.associatedPositionOpenings ?? []).some(
      (position) =>
        position !== null && position !== undefined && positionMatches(position, filter),
    ),
  );
}

/** An unset filter matches anything; a set one matches equal text, ignoring case and spacing. */
function sameText(wanted: string | undefined, actual: string | null | undefined): boolean {
  if (!wanted) return true;
  return comparable(wanted) === comparable(actual ?? '');
}

function comparable(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
