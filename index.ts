import zapier, { defineApp } from 'zapier-platform-core';

import packageJson from './package.json';
import { hydrators as triggerHydrators } from './src/triggers/hydrators';
import newActivity from './src/triggers/new_activity';
import newApplicant from './src/triggers/new_applicant';
import newHire from './src/triggers/new_hire';

export default defineApp({
  version: packageJson.version,
  platformVersion: zapier.version,

  hydrators: { ...triggerHydrators },

  triggers: {
    [newApplicant.key]: newApplicant,
    [newActivity.key]: newActivity,
    [newHire.key]: newHire,
  },
  creates: {},
  searches: {},
});
