/**
 * Zapier's integration checks and build guidelines that the app definition alone decides
 * (REFERENCE.md §3), held over every trigger, create, search and search-or-create of
 * index.ts. Each rule collects every offender, so a failure names all of them at once.
 */
import app from '../index';

interface Field {
  key: string;
  label?: string;
  helpText?: string;
  required?: boolean;
  type?: string;
  dynamic?: string;
  search?: string;
}
interface Operation {
  kind: 'trigger' | 'create' | 'search';
  key: string;
  hidden: boolean;
  label: string;
  description: string;
  operation: {
    type?: string;
    inputFields?: unknown[];
    outputFields?: unknown[];
    sample?: Record<string, unknown>;
    performList?: unknown;
    performSubscribe?: unknown;
    performUnsubscribe?: unknown;
  };
}

const APP_NAME = 'JazzHR';

function operationsOf(kind: Operation['kind'], group: object | undefined): Operation[] {
  return Object.entries(group ?? {}).map(([key, definition]) => {
    const { display, operation } = definition as {
      display: { label: string; description: string; hidden?: boolean };
      operation: Operation['operation'];
    };
    return { kind, key, hidden: display.hidden === true, ...display, operation };
  });
}
const operations: Operation[] = [
  ...operationsOf('trigger', app.triggers),
  ...operationsOf('create', app.creates),
  ...operationsOf('search', app.searches),
];
const visible = operations.filter((operation) => !operation.hidden);
const searchOrCreates = Object.values(app.searchOrCreates ?? {}) as Array<{
  key: string;
  display: { label: string; description: string };
}>;

/** Static fields only: a function builds its fields at run time and is checked by its own test. */
const staticFields = (fields: unknown[] | undefined): Field[] =>
  (fields ?? []).filter((field): field is Field => typeof field === 'object' && field !== null);
const inputFields = (operation: Operation) => staticFields(operation.operation.inputFields);
const outputFields = (operation: Operation) => staticFields(operation.operation.outputFields);

/** Words that stay lower case inside a title (never first, nor first inside parentheses). */
const MINOR_WORDS = new Set(
  'a an and as at but by for from in into nor of on or per the to via vs with'.split(' '),
);

/** The words of a label that break title case. */
export function titleCaseProblems(label: string): string[] {
  const problems: string[] = [];
  let first = true;
  for (const token of label.split(/[\s/—–-]+/)) {
    if (token === '') continue;
    const opensGroup = /^[(“"']/.test(token);
    const word = token.replace(/^[(“"'[]+/, '');
    const initial = word.charAt(0);
    const isLowerCaseWord = initial !== initial.toUpperCase() && /\p{L}/u.test(initial);
    const mayBeLower = !first && !opensGroup && MINOR_WORDS.has(word.replace(/\W+$/, ''));
    if (isLowerCaseWord && !mayBeLower) problems.push(word);
    first = /[:(]$/.test(token);
  }
  return problems;
}

/** A sample as Zapier lists its keys: `a__b` inside objects, `a[]b` inside lists of objects. */
export function flattenSample(value: unknown, prefix = ''): Map<string, unknown> {
  const keys = new Map<string, unknown>();
  if (Array.isArray(value)) {
    const objects = value.filter((item) => item !== null && typeof item === 'object');
    if (objects.length === 0) keys.set(prefix, value);
    for (const item of objects)
      for (const [key, inner] of flattenSample(item, `${prefix}[]`)) keys.set(key, inner);
    return keys;
  }
  if (value !== null && typeof value === 'object') {
    for (const [name, inner] of Object.entries(value)) {
      const key =
        prefix === '' ? name : prefix.endsWith('[]') ? `${prefix}${name}` : `${prefix}__${name}`;
      if (inner !== null && typeof inner === 'object')
        for (const [nested, leaf] of flattenSample(inner, key)) keys.set(nested, leaf);
      else keys.set(key, inner);
    }
    return keys;
  }
  keys.set(prefix, value);
  return keys;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** A value that carries a time of day: a date and time, or a bare time. */
const HAS_TIME = /^(\d{4}-\d{2}-\d{2}[T ])?\d{1,2}:\d{2}(:\d{2})?/;
/**
 * JazzHR's REST API does not say in which zone its times are (REFERENCE.md §1a): such a
 * field keeps JazzHR's text, and its label must say so rather than invent a zone.
 */
const ZONE_UNKNOWN_LABEL = /\(As JazzHR Reports It\)/;

/** Keys that hold a JazzHR record id and so need a dropdown or a search to fill. */
const isIdField = (field: Field) => /(^|_)id$/.test(field.key);

const problemsOf = <T>(items: T[], check: (item: T) => string[]): string[] => items.flatMap(check);

describe('the app definition passes the integration checks it decides', () => {
  it('D018: every label is in title case', () => {
    const labels: Array<[string, string]> = [
      ...operations.map((op): [string, string] => [`${op.key}`, op.label]),
      ...searchOrCreates.map((soc): [string, string] => [
        `${soc.key} (search or create)`,
        soc.display.label,
      ]),
      ...operations.flatMap((op) =>
        [...inputFields(op), ...outputFields(op)]
          .filter((field) => field.label !== undefined)
          .map((field): [string, string] => [`${op.key}.${field.key}`, field.label!]),
      ),
      ...staticFields(app.authentication?.fields).map((field): [string, string] => [
        `authentication.${field.key}`,
        field.label ?? '',
      ]),
    ];
    const problems = labels.flatMap(([where, label]) => {
      const words = titleCaseProblems(label);
      return words.length > 0 ? [`${where}: "${label}" (${words.join(', ')})`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('D021: a trigger description reads "Triggers when … ."', () => {
    const problems = problemsOf(
      visible.filter((op) => op.kind === 'trigger'),
      (op) =>
        /^Triggers when \S[^]*\.$/.test(op.description) ? [] : [`${op.key}: ${op.description}`],
    );
    expect(problems).toEqual([]);
  });

  it('a create or search description starts with a verb ("Creates…", "Finds…") and ends with "."', () => {
    const descriptions = [
      ...visible.filter((op) => op.kind !== 'trigger').map((op) => [op.key, op.description]),
      ...searchOrCreates.map((soc) => [soc.key, soc.display.description]),
    ];
    const problems = descriptions
      .filter(([, description]) => !/^[A-Z][a-z]+s\b[^]*\.$/.test(description!))
      .map(([key, description]) => `${key}: ${description}`);
    expect(problems).toEqual([]);
  });

  it('no description repeats the app’s name, which Zapier already shows beside it', () => {
    const descriptions = [
      ...operations.map((op) => [op.key, op.description]),
      ...searchOrCreates.map((soc) => [soc.key, soc.display.description]),
    ];
    const problems = descriptions
      .filter(([, description]) => description!.includes(APP_NAME))
      .map(([key, description]) => `${key}: ${description}`);
    expect(problems).toEqual([]);
  });

  it('D002: every connection field’s help text links to where the user finds the value', () => {
    const problems = staticFields(app.authentication?.fields)
      .filter((field) => !/\[[^\]]+\]\(https:\/\/[^)\s]+\)/.test(field.helpText ?? ''))
      .map((field) => field.key);
    expect(problems).toEqual([]);
  });

  it('D010: every operation has a sample with its id', () => {
    const problems = operations
      .filter((op) => op.operation.sample?.id === undefined)
      .map((op) => op.key);
    expect(problems).toEqual([]);
  });

  it('D012/D024: every sample key is an output field, so the editor labels it', () => {
    const problems = problemsOf(operations, (op) => {
      const labelled = new Set(outputFields(op).map((field) => field.key));
      return [...flattenSample(op.operation.sample).keys()]
        .filter((key) => !labelled.has(key))
        .map((key) => `${op.key}.${key}`);
    });
    expect(problems).toEqual([]);
  });

  it('D023: a sample time is ISO-8601 with its zone, or labelled as JazzHR reports it', () => {
    const problems = problemsOf(operations, (op) => {
      const labels = new Map(outputFields(op).map((field) => [field.key, field.label ?? '']));
      return [...flattenSample(op.operation.sample)]
        .filter(([, value]) => typeof value === 'string' && HAS_TIME.test(value))
        .filter(
          ([key, value]) =>
            !ISO_WITH_ZONE.test(value as string) && !ZONE_UNKNOWN_LABEL.test(labels.get(key) ?? ''),
        )
        .map(([key, value]) => `${op.key}.${key}: ${String(value)}`);
    });
    expect(problems).toEqual([]);
  });

  it('required input fields come before optional ones', () => {
    const problems = problemsOf(operations, (op) => {
      const fields = inputFields(op).filter((field) => field.type !== 'copy');
      const firstOptional = fields.findIndex((field) => field.required !== true);
      if (firstOptional === -1) return [];
      return fields
        .slice(firstOptional)
        .filter((field) => field.required === true)
        .map(
          (field) => `${op.key}.${field.key} is required but follows ${fields[firstOptional]!.key}`,
        );
    });
    expect(problems).toEqual([]);
  });

  it('D004/D014: every id field has a dropdown or a search, and each points at a real operation', () => {
    const triggers = app.triggers ?? {};
    const searches = app.searches ?? {};
    const problems = problemsOf(operations, (op) =>
      inputFields(op).flatMap((field) => {
        const where = `${op.key}.${field.key}`;
        if (isIdField(field) && !field.dynamic && !field.search) return [`${where} has neither`];
        const found: string[] = [];
        const [dropdown] = (field.dynamic ?? '').split('.');
        if (field.dynamic && !(dropdown! in triggers))
          found.push(`${where}: no trigger ${dropdown}`);
        const [search] = (field.search ?? '').split('.');
        if (field.search && !(search! in searches)) found.push(`${where}: no search ${search}`);
        return found;
      }),
    );
    expect(problems).toEqual([]);
  });

  it('D006/D017: a hook lists samples and subscribes, as public apps must', () => {
    const problems = operations
      .filter((op) => op.operation.type === 'hook')
      .filter(
        (op) =>
          typeof op.operation.performList !== 'function' ||
          typeof op.operation.performSubscribe !== 'function' ||
          typeof op.operation.performUnsubscribe !== 'function',
      )
      .map((op) => op.key);
    expect(problems).toEqual([]);
  });
});

describe('the rules themselves', () => {
  it('title case allows minor words but not a lower-case first word', () => {
    expect(titleCaseProblems('Find or Create Applicant')).toEqual([]);
    expect(titleCaseProblems('Resume Link (works for 2½ hours)')).toEqual(['works', 'hours)']);
    expect(titleCaseProblems('of Mice and Men')).toEqual(['of']);
  });

  it('flattens samples the way Zapier names their keys', () => {
    expect([
      ...flattenSample({
        id: 1,
        details: { name: 'x' },
        jobs: [{ job_id: 'j' }],
        tags: ['a'],
      }).keys(),
    ]).toEqual(['id', 'details__name', 'jobs[]job_id', 'tags']);
  });
});
