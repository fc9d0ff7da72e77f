// First: keeps zod from loading every locale file (see the module).
import './src/lazy-zod-locales';
import zapier, { defineApp } from 'zapier-platform-core';

import packageJson from './package.json';
import authentication from './src/authentication';
import candidateExported from './src/triggers/candidate_exported';
import { candidateExportedHydrators } from './src/triggers/candidate_exported/hydrators';
import { hydrators as triggerHydrators } from './src/triggers/hydrators';
import newActivity from './src/triggers/new_activity';
import newApplicant from './src/triggers/new_applicant';
import newHire from './src/triggers/new_hire';
import applicantList from './src/triggers/applicant_list';
import jobList from './src/triggers/job_list';
import userList from './src/triggers/user_list';
import workflowStepList from './src/triggers/workflow_step_list';
import createApplicant from './src/creates/create_applicant';
import addApplicantToJob from './src/creates/add_applicant_to_job';
import createNote from './src/creates/create_note';
import findApplicant from './src/searches/find_applicant';

export default defineApp({
  version: packageJson.version,
  platformVersion: zapier.version,

  authentication,

  hydrators: { ...triggerHydrators, ...candidateExportedHydrators },

  triggers: {
    [jobList.key]: jobList,
    [userList.key]: userList,
    [workflowStepList.key]: workflowStepList,
    [applicantList.key]: applicantList,
    [newApplicant.key]: newApplicant,
    [newActivity.key]: newActivity,
    [newHire.key]: newHire,
    [candidateExported.key]: candidateExported,
  },
  creates: {
    [createApplicant.key]: createApplicant,
    [addApplicantToJob.key]: addApplicantToJob,
    [createNote.key]: createNote,
  },
  searches: {
    [findApplicant.key]: findApplicant,
  },
  searchOrCreates: {
    [findApplicant.key]: {
      key: findApplicant.key,
      display: {
        label: 'Find or Create Applicant',
        description: 'Finds an applicant by email and name, and creates them when none is found.',
      },
      search: findApplicant.key,
      create: createApplicant.key,
    },
  },
});
