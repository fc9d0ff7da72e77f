import { defineTrigger, type Bundle, type ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';

import { optionalInputText, optionalJazzId, parseInput } from '../inputs';
import { Activity } from '../jazzhr/schemas';
import sample from '../samples/new_activity.json';
import { activityPeople } from './hydrators';
import { newestRecords } from './list-order';
import { newestFirst, pollMode, withDetails } from './polling';

const Input = zod.object({
  category: optionalInputText('Category', 100),
  applicant_id: optionalJazzId('prospect', 'Applicant', 'prospect_20160512184407_MYXVB4IKB2IALSSA'),
});

/** An id JazzHR left empty would make Zapier drop or repeat the activity; derive a stable one. */
function stableId(z: ZObject, activity: Activity): string {
  if (activity.id !== '') return activity.id;
  const fingerprint = [activity.date, activity.time, activity.user_id, activity.object_id]
    .concat(activity.action || activity.activity)
    .join('|');
  return `derived_${z.hash('sha256', fingerprint).slice(0, 32)}`;
}

async function perform(z: ZObject, bundle: Bundle) {
  const { category, applicant_id } = parseInput(z, Input, bundle.inputData);
  // JazzHR documents no order for activities: newestRecords finds where the new ones are.
  const listed = await newestRecords(z, bundle, {
    resource: 'activities',
    schema: Activity,
    filters: { object_id: applicant_id, category },
    timeOf: (activity) => (activity.date === '' ? '' : `${activity.date} ${activity.time}`),
  });
  const activities = newestFirst(
    listed.map((a) => ({
      id: stableId(z, a),
      category: a.category,
      action: a.action || a.activity,
      date: a.date,
      time: a.time,
      occurred_at: `${a.date} ${a.time}`.trim(),
      user_id: a.user_id,
      object_id: a.object_id,
      team_id: a.team_id,
    })),
    (a) => [a.date, a.time, a.id],
  );
  if (pollMode(bundle) === 'dedupe') return activities;
  return withDetails(z, bundle, activities, activityPeople, (a) => ({
    user_id: a.user_id,
    object_id: a.object_id,
  }));
}

export default defineTrigger({
  key: 'new_activity',
  noun: 'Activity',
  display: {
    label: 'New Activity',
    description:
      'Triggers when something is logged in the activity feed, such as an applicant moving to a new workflow step.',
  },
  operation: {
    type: 'polling',
    inputFields: [
      {
        key: 'applicant_id',
        label: 'Applicant',
        dynamic: 'applicant_list.id.name',
        search: 'find_applicant.id',
        helpText:
          'Only trigger for activities about this applicant. Leave empty for all activities.',
      },
      {
        key: 'category',
        label: 'Category',
        helpText:
          'Only trigger for activities of this category, spelled as JazzHR shows it in the Category field of a test record (for example "applicant"). Leave empty for every category.',
      },
    ],
    perform,
    sample,
    outputFields: [
      { key: 'id', label: 'Activity ID' },
      { key: 'action', label: 'Action' },
      { key: 'category', label: 'Category' },
      { key: 'occurred_at', label: 'Date and Time (As JazzHR Reports It)' },
      { key: 'date', label: 'Date' },
      { key: 'time', label: 'Time (As JazzHR Reports It)' },
      { key: 'user_id', label: 'User ID' },
      { key: 'details__user_name', label: 'User Name' },
      { key: 'details__user_email', label: 'User Email' },
      { key: 'object_id', label: 'Record ID (Applicant, Job…)' },
      { key: 'details__applicant_name', label: 'Applicant Name' },
      { key: 'details__applicant_email', label: 'Applicant Email' },
      { key: 'details__applicant_phone', label: 'Applicant Phone' },
      { key: 'team_id', label: 'Team ID' },
    ],
  },
});
