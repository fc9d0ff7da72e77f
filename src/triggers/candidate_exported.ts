import { defineTrigger } from 'zapier-platform-core';

import { withPrivateErrors } from '../private-errors';
import {
  candidateExportedOutputFields,
  CANDIDATE_EXPORTED_SAMPLE,
} from './candidate_exported/output';
import { integrationNameField, statusFilterFields } from './candidate_exported/routing';
import { processCandidateExportHook } from './candidate_exported/steps';
import {
  listRecentExports,
  setupInstructionsField,
  subscribeToExports,
  unsubscribeFromExports,
} from './candidate_exported/subscription';

export default defineTrigger({
  key: 'candidate_exported',
  noun: 'Candidate Export',
  display: {
    label: 'Candidate Exported (Instant)',
    description: 'Triggers when a candidate is exported, by a recruiter or by a Workflow Helper.',
  },
  operation: {
    type: 'hook',
    // The setup box follows the integration name, which changes it (altersDynamicFields).
    inputFields: [integrationNameField, setupInstructionsField, ...statusFilterFields],
    // The bundle holds the signing secret, the signature and the candidate's export:
    // no error may carry it into the task history (see private-errors).
    perform: withPrivateErrors(processCandidateExportHook),
    performList: withPrivateErrors(listRecentExports),
    performSubscribe: withPrivateErrors(subscribeToExports),
    performUnsubscribe: withPrivateErrors(unsubscribeFromExports),
    outputFields: candidateExportedOutputFields,
    sample: CANDIDATE_EXPORTED_SAMPLE,
  },
});
