import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A JazzHR API stand-in on loopback: the list and detail endpoints the polling triggers and
 * the relay's key check call, 100 records each, and POST /applicants, JazzHR's habits kept
 * (filters as path segments, the name filter a loose substring match, /page/N with 100 a page,
 * a one-record list sent as a bare object, every scalar a string), lists newest first unless
 * told otherwise, and a count of every request it answers, which is what the figures read.
 */

export const STANDIN_API_KEY = 'bench-standin-api-key';
const PAGE_SIZE = 100;

type JazzRecord = Record<string, unknown> & { id: string };

interface Resource {
  /** Newest first, as JazzHR lists them. */
  records: JazzRecord[];
  detail: (record: JazzRecord) => Record<string, unknown>;
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie'];
const CITIES = [
  ['Pittsburgh', 'PA'],
  ['Austin', 'TX'],
  ['Denver', 'CO'],
  ['Portland', 'OR'],
] as const;

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length]!;
const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `YYYYMMDDhhmmss` for record number n, counting back one hour per record from a fixed day. */
function stamp(n: number): { date: string; time: string; compact: string } {
  const at = new Date(Date.UTC(2024, 5, 30, 18, 0, 0) - n * 3_600_000);
  const date = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
  return { date, time, compact: `${date.replace(/-/g, '')}${time.replace(/:/g, '')}` };
}

function suffix(n: number): string {
  return `BENCH${pad(Math.abs(n), 6)}`.padEnd(16, 'X');
}

function makeJobs(): JazzRecord[] {
  const titles = ['Backend Engineer', 'Recruiter', 'Account Executive', 'Data Analyst', 'Nurse'];
  return titles.map((title, i) => {
    const [city, state] = pick(CITIES, i);
    return {
      id: `job_20240101120000_${suffix(i)}`,
      team_id: 'team_20160101000000_BENCHTEAM0000000',
      title,
      city,
      state,
      zip: '15213',
      department: pick(['Engineering', 'People', 'Sales', 'Data', 'Care'], i),
      status: 'Open',
      type: 'Full Time',
      original_open_date: '2024-01-01',
      hiring_lead: `usr_20160101000000_${suffix(i)}`,
      board_code: `bench${i}`,
      minimum_salary: '0',
      maximum_salary: '0',
    };
  });
}

function makeUsers(): JazzRecord[] {
  return Array.from({ length: 5 }, (_, i) => ({
    id: `usr_20160101000000_${suffix(i)}`,
    type: i === 0 ? 'super_admin' : 'recruiter',
    first_name: pick(FIRST_NAMES, i + 3),
    last_name: pick(LAST_NAMES, i + 2),
    email: `${pick(FIRST_NAMES, i + 3).toLowerCase()}@example.com`,
    date_created: '2016-01-01',
  }));
}

/**
 * The account's data. Record n (0 = newest) was made n hours before a fixed moment; `fresh`
 * records get negative n so they sort above every existing one, as a new arrival would.
 */
class Account {
  readonly jobs = makeJobs();
  readonly users = makeUsers();
  readonly applicants: JazzRecord[] = [];
  readonly activities: JazzRecord[] = [];
  readonly hires: JazzRecord[] = [];
  private newest = 0;

  constructor(count: number) {
    for (let n = 0; n < count; n++) this.addOne(n, 'end');
  }

  private applicant(n: number): JazzRecord {
    const when = stamp(n);
    const job = pick(this.jobs, Math.abs(n));
    const first = pick(FIRST_NAMES, Math.abs(n));
    const last = pick(LAST_NAMES, Math.abs(n) + 1);
    return {
      id: `prospect_${when.compact}_${suffix(n)}`,
      first_name: first,
      last_name: last,
      prospect_phone: `(412) 555-${pad(Math.abs(n) % 10000, 4)}`,
      apply_date: when.date,
      job_id: job.id,
      job_title: job.title,
    };
  }

  private addOne(n: number, where: 'start' | 'end'): void {
    const applicant = this.applicant(n);
    const when = stamp(n);
    const user = pick(this.users, Math.abs(n));
    const activity: JazzRecord = {
      id: `activity_${when.compact}_${suffix(n)}`,
      category: pick(['applicant', 'note', 'workflow', 'email'], Math.abs(n)),
      team_id: 'team_20160101000000_BENCHTEAM0000000',
      user_id: user.id,
      object_id: applicant.id,
      action: `${user.first_name} moved ${applicant.first_name} ${applicant.last_name} to Phone Screen`,
      date: when.date,
      time: when.time,
    };
    const hire: JazzRecord = {
      id: `hire_${when.compact}_${suffix(n)}`,
      applicant_id: applicant.id,
      job_id: applicant.job_id as string,
      workflow_step_id: '1234567',
      hired_time: `${when.date} ${when.time}`,
    };
    const add = (list: JazzRecord[], record: JazzRecord) =>
      where === 'start' ? list.unshift(record) : list.push(record);
    add(this.applicants, applicant);
    add(this.activities, activity);
    add(this.hires, hire);
  }

  /** Adds `count` records newer than every existing one to applicants, activities and hires. */
  addNew(count: number): void {
    for (let i = 0; i < count; i++) this.addOne(--this.newest, 'start');
  }

  /** Emails of applicants added by name (addPerson or POST /applicants), by id. */
  private readonly emails = new Map<string, string>();

  /** Adds an applicant with this name and email, newer than every other; returns its id. */
  addPerson(firstName: string, lastName: string, email: string): string {
    const applicant = {
      ...this.applicant(--this.newest),
      first_name: firstName,
      last_name: lastName,
    };
    this.applicants.unshift(applicant);
    this.emails.set(applicant.id, email);
    return applicant.id;
  }

  applicantDetail(summary: JazzRecord): Record<string, unknown> {
    const first = String(summary.first_name);
    const last = String(summary.last_name);
    const index = this.applicants.indexOf(summary);
    const [city, state] = pick(CITIES, Math.max(index, 0));
    return {
      ...summary,
      email:
        this.emails.get(summary.id) ??
        `${first}.${last}.${summary.id.slice(-6)}@example.com`.toLowerCase(),
      address: '5000 Forbes Ave',
      location: `${city}, ${state}`,
      phone: summary.prospect_phone,
      linkedin_url: '',
      website: '',
      desired_salary: '95000',
      desired_start_date: '2024-08-01',
      referrer: '',
      source: 'Indeed',
      recruiter_id: this.users[0]!.id,
      rating: '4',
      resume_link: `https://app.jazz.co/app/v2/applicant/${summary.id}/resume`,
      jobs: {
        job_id: summary.job_id,
        job_title: summary.job_title,
        workflow_step_id: '1234567',
        applicant_progress: 'Phone Screen',
        hiring_lead_rating: '4',
        average_rating: '4',
      },
      comments: [],
      activities: [],
      questionnaire: [],
      categories: '',
    };
  }

  resources(): Record<string, Resource> {
    return {
      applicants: { records: this.applicants, detail: (r) => this.applicantDetail(r) },
      activities: { records: this.activities, detail: (r) => r },
      hires: { records: this.hires, detail: (r) => r },
      jobs: { records: this.jobs, detail: (r) => r },
      users: { records: this.users, detail: (r) => r },
      workflows: {
        records: [
          {
            id: 'workflow_20160101000000_BENCHWORKFLOW000',
            name: 'Default',
            steps: [
              { id: '1234566', name: 'New' },
              { id: '1234567', name: 'Phone Screen' },
              { id: '1234568', name: 'Hired' },
            ],
          },
        ],
        detail: (r) => r,
      },
    };
  }
}

export type ListOrder = 'newest_first' | 'oldest_first';

export interface JazzhrStandin {
  /** Base URL to put in JAZZHR_API_URL (ends in /v1). */
  apiUrl: string;
  /** Requests answered since the last reset, keyed like `GET /applicants (list)`. */
  counts(): Record<string, number>;
  total(): number;
  resetCounts(): void;
  /** Starts over with `records` records in each polled resource, every list newest first. */
  resetData(records?: number): void;
  /** Lists this resource in the given order from now on (JazzHR documents none for activities). */
  setOrder(resource: string, order: ListOrder): void;
  addNew(count: number): void;
  /** Adds an applicant with this name and email, newer than every other; returns its id. */
  addPerson(firstName: string, lastName: string, email: string): string;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** JazzHR's quirk: a list of exactly one record is sent as the bare record. */
const quirkyList = (records: unknown[]): unknown => (records.length === 1 ? records[0] : records);

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** JazzHR's name filter: each word of it is part of the first or the last name ("Ann Lee" finds "Joann Leeds"). */
function looseNameMatch(record: JazzRecord, filter: string): boolean {
  const names = [record.first_name, record.last_name].map((name) => String(name).toLowerCase());
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => names.some((name) => name.includes(word)));
}

export async function startJazzhrStandin(records = 100): Promise<JazzhrStandin> {
  let account = new Account(records);
  let orders: Record<string, ListOrder> = {};
  let counts: Record<string, number> = {};
  const count = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  const handle = (request: IncomingMessage, response: ServerResponse, body: string): void => {
    const url = new URL(request.url ?? '/', 'http://standin');
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map((segment) => decodeURIComponent(segment));
    if (segments[0] === 'v1') segments.shift();
    const [resourceName, ...rest] = segments;
    const method = request.method ?? 'GET';
    if (method === 'POST' && resourceName === 'applicants' && rest.length === 0) {
      count('POST /applicants');
      const fields = parseJson(body);
      if (fields?.apikey !== STANDIN_API_KEY) send(response, 200, { _error: 'Invalid API key' });
      else {
        const id = account.addPerson(
          String(fields.first_name ?? ''),
          String(fields.last_name ?? ''),
          String(fields.email ?? ''),
        );
        send(response, 200, { prospect_id: id });
      }
      return;
    }
    if (url.searchParams.get('apikey') !== STANDIN_API_KEY && method === 'GET') {
      count(`${method} rejected key`);
      send(response, 401, { error: 'Invalid API key' });
      return;
    }
    const resource = resourceName ? account.resources()[resourceName] : undefined;
    if (!resource || method !== 'GET') {
      count(`${method} /${resourceName ?? ''} (unknown)`);
      send(response, 404, { error: 'Not found' });
      return;
    }
    // /resource/{id} is a detail; /resource[/key/value…][/page/N] is a list.
    if (rest.length === 1) {
      count(`GET /${resourceName}/{id}`);
      const record = resource.records.find((candidate) => candidate.id === rest[0]);
      if (!record) send(response, 404, { error: `No ${resourceName} with that id` });
      else send(response, 200, resource.detail(record));
      return;
    }
    count(`GET /${resourceName} (list)`);
    let page = 1;
    let listed =
      orders[resourceName!] === 'oldest_first' ? [...resource.records].reverse() : resource.records;
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const key = rest[i]!;
      const value = rest[i + 1]!;
      if (key === 'page') page = Math.max(1, Number(value) || 1);
      else if (key === 'name') listed = listed.filter((record) => looseNameMatch(record, value));
      else listed = listed.filter((record) => !(key in record) || String(record[key]) === value);
    }
    send(response, 200, quirkyList(listed.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)));
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://127.0.0.1:${port}/v1`,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    resetCounts: () => {
      counts = {};
    },
    resetData: (size = records) => {
      account = new Account(size);
      orders = {};
    },
    setOrder: (resource, order) => {
      orders[resource] = order;
    },
    addNew: (n) => account.addNew(n),
    addPerson: (first, last, email) => account.addPerson(first, last, email),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
