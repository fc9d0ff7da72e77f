import zapier, { defineApp } from 'zapier-platform-core';

import packageJson from './package.json';

export default defineApp({
  version: packageJson.version,
  platformVersion: zapier.version,

  triggers: {},
  creates: {},
  searches: {},
});
