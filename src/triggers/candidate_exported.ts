import { defineTrigger } from 'zapier-platform-core';

import {
  candidateExportedOutputFields,
  CANDIDATE_EXPORTED_SAMPLE,
} from './candidate_exported/output';
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
    description:
      'Triggers the moment a candidate is exported from JazzHR, by a person or by a Workflow Helper.',
  },
  operation: {
    type: 'hook',
    inputFields: [setupInstructionsField],
    perform: processCandidateExportHook,
    performList: listRecentExports,
    performSubscribe: subscribeToExports,
    performUnsubscribe: unsubscribeFromExports,
    outputFields: candidateExportedOutputFields,
    sample: CANDIDATE_EXPORTED_SAMPLE,
  },
});
