/** Zod's issues turned into lines people can act on: every formatter in the app and the relay uses this. */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** The dotted path of an issue, such as `candidate.person.name` ('' for the top level). */
export const issuePath = (issue: Issue): string => issue.path.map(String).join('.');

/**
 * One line per issue, `where: what`, without repeats. `where` names the place (the dotted path
 * by default); the line is the message alone when the place is empty or the message already
 * starts with it.
 */
export function issueLines(
  issues: readonly Issue[],
  where: (issue: Issue) => string | undefined = issuePath,
): string[] {
  const lines = issues.map((issue) => {
    const place = where(issue);
    return place && !issue.message.startsWith(place) ? `${place}: ${issue.message}` : issue.message;
  });
  return [...new Set(lines)];
}

/** The first `max` lines joined with "; ", saying how many more there were. */
export function someIssues(lines: readonly string[], max: number): string {
  const more = lines.length - max;
  return `${lines.slice(0, max).join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
