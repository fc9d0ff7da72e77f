import { defineTrigger, type Bundle, type ZObject } from 'zapier-platform-core';

import { jazzhr } from '../jazzhr/client';
import { User } from '../jazzhr/schemas';
import sample from '../samples/user_list.json';
import { nameWithEmail, personName } from '../people';
import { jazzhrPage } from './dropdown';

/** "Dana Whitfield (dana.whitfield@example.com)" */
export function userLabel(user: User): string {
  return nameWithEmail(personName(user.first_name, user.last_name), user.email, user.id);
}

export async function perform(z: ZObject, bundle: Bundle) {
  const users = await jazzhr(z, bundle).list('users', User, { page: jazzhrPage(bundle) });
  return users
    .map((user) => ({
      id: user.id,
      name: userLabel(user),
      first_name: user.first_name,
      last_name: user.last_name,
      email: user.email,
      type: user.type,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
}

export default defineTrigger({
  key: 'user_list',
  noun: 'User',
  display: {
    label: 'List Users',
    description: 'Lists users (recruiters, hiring managers, admins) to fill user dropdowns.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    canPaginate: true,
    sample,
    outputFields: [
      { key: 'id', label: 'User ID' },
      { key: 'name', label: 'User (Name (Email))' },
      { key: 'first_name', label: 'First Name' },
      { key: 'last_name', label: 'Last Name' },
      { key: 'email', label: 'Email' },
      { key: 'type', label: 'User Type' },
    ],
  },
});
