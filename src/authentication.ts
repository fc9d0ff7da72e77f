/**
 * Connecting a JazzHR account: one API key, proved by one request to /users.
 *
 * JazzHR has no "who am I" endpoint and a key belongs to the whole account, not to a
 * person. The connection is labelled with the account's super admin (the owner who set
 * the account up), because a recruiter recognises that person and their company email
 * domain, which tells several JazzHR accounts apart (agencies often connect one per
 * client). The same /users page that proves the key names them, so the label costs no
 * extra request.
 */
import type { Authentication, Bundle, ZObject } from 'zapier-platform-core';

import { jazzhr } from './jazzhr/client';
import { idCreationStamp } from './jazzhr/ids';
import { User } from './jazzhr/schemas';
import { nameWithEmail, personName } from './people';

/** The creation time in the user's id; date_created (a day) is the fallback. */
function createdAt(user: User): string {
  const stamp = idCreationStamp(user.id);
  if (stamp) return stamp;
  const day = user.date_created.replace(/\D/g, '');
  return day ? day.padEnd(14, '0') : '99999999999999';
}

/** Picks the account owner: a super admin, else an admin, else the oldest user. */
export function accountOwner(users: User[]): User | undefined {
  const byAge = [...users].sort((a, b) => createdAt(a).localeCompare(createdAt(b)));
  const typed = (pattern: RegExp) => byAge.find((user) => pattern.test(user.type));
  return typed(/super/i) ?? typed(/admin/i) ?? byAge[0];
}

/** A person's name and email as a recruiter reads them: "Dana Whitfield (dana@…)". */
function personLabel(user: User): string {
  return nameWithEmail(personName(user.first_name, user.last_name), user.email, '');
}

/**
 * The owner's name and email, else those of the likeliest owner who has any. Never an id
 * nor fixed wording, which would not tell two accounts apart: with no named user at all
 * the label is empty and Zapier shows its own numbered default.
 */
export function connectionLabelFor(users: User[]): string {
  const owner = accountOwner(users.filter((user) => personLabel(user) !== ''));
  return owner ? personLabel(owner) : '';
}

async function test(z: ZObject, bundle: Bundle) {
  const users = await jazzhr(z, bundle).list('users', User, { page: 1 });
  const owner = accountOwner(users);
  return {
    connection_label: connectionLabelFor(users),
    account_owner_id: owner?.id ?? '',
    account_owner_name: owner ? personName(owner.first_name, owner.last_name) : '',
    account_owner_email: owner?.email ?? '',
    account_owner_type: owner?.type ?? '',
  };
}

export default {
  type: 'custom',
  fields: [
    {
      key: 'api_key',
      label: 'API Key',
      type: 'password',
      required: true,
      helpText:
        'Sign in to [JazzHR](https://app.jazz.co) and open **Settings → Integrations** (only JazzHR ' +
        'admins can see it): the API key is shown at the top of that page. Copy it here. ' +
        'Regenerating the key in JazzHR breaks every connection that uses the old one, so ' +
        'reconnect here afterwards.',
    },
  ],
  test,
  // Zapier fills {{…}} from the fields test returns and always shows the app name in front.
  connectionLabel: '{{connection_label}}',
} satisfies Authentication;
