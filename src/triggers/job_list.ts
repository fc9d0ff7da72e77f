import { defineTrigger, type Bundle, type ZObject } from 'zapier-platform-core';

import { jazzhr } from '../jazzhr/client';
import { Job } from '../jazzhr/schemas';
import sample from '../samples/job_list.json';
import { joinNonEmpty } from '../blank';
import { jazzhrPage } from './dropdown';

/** "Executive Consultant — Des Moines, IA (Open)" */
export function jobLabel(job: Job): string {
  const title = job.title.trim() || `Untitled job ${job.id}`;
  const place = joinNonEmpty([job.city, job.state], ', ');
  const status = job.status.trim() ? ` (${job.status.trim()})` : '';
  return `${joinNonEmpty([title, place], ' — ')}${status}`;
}

const isOpen = (job: Job): boolean => job.status.trim().toLowerCase() === 'open';

/** Open jobs first (they are what people pick), then the most recently opened. */
function openFirst(a: Job, b: Job): number {
  return (
    Number(isOpen(b)) - Number(isOpen(a)) ||
    b.original_open_date.localeCompare(a.original_open_date) ||
    a.title.localeCompare(b.title)
  );
}

export async function perform(z: ZObject, bundle: Bundle) {
  const jobs = await jazzhr(z, bundle).list('jobs', Job, { page: jazzhrPage(bundle) });
  return [...jobs].sort(openFirst).map((job) => ({
    id: job.id,
    name: jobLabel(job),
    title: job.title,
    city: job.city,
    state: job.state,
    status: job.status,
    department: job.department,
    hiring_lead: job.hiring_lead,
    original_open_date: job.original_open_date,
  }));
}

export default defineTrigger({
  key: 'job_list',
  noun: 'Job',
  display: {
    label: 'List Jobs',
    description: 'Lists jobs, open ones first, to fill job dropdowns.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    canPaginate: true,
    sample,
    outputFields: [
      { key: 'id', label: 'Job ID' },
      { key: 'name', label: 'Job (Title — Location (Status))' },
      { key: 'title', label: 'Title' },
      { key: 'city', label: 'City' },
      { key: 'state', label: 'State' },
      { key: 'status', label: 'Status' },
      { key: 'department', label: 'Department' },
      { key: 'hiring_lead', label: 'Hiring Lead User ID' },
      { key: 'original_open_date', label: 'Original Open Date', type: 'datetime' },
    ],
  },
});
