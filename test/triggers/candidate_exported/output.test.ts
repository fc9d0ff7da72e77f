import exportBody from '../../../src/samples/candidate-export.body.json';
import delivery from '../../../src/samples/candidate-export.delivery.json';
import { CANDIDATE_EXPORTED_SAMPLE } from '../../../src/triggers/candidate_exported/output';
import {
  JAZZHR_HEADER,
  normaliseExport,
  parseCandidateExport,
  readHeader,
} from '../../../src/webhook';

describe('CANDIDATE_EXPORTED_SAMPLE', () => {
  it('is exactly what the normaliser makes of the sample export and its delivery headers', () => {
    // If this fails after a change to the normaliser, write this item to src/samples/candidate-export.item.json.
    const rawBody = JSON.stringify(exportBody, null, 2);
    const item = normaliseExport(parseCandidateExport(rawBody), {
      uuid: readHeader(delivery.headers, JAZZHR_HEADER.uuid),
      link: readHeader(delivery.headers, JAZZHR_HEADER.link),
      rawBody,
      receivedAt: delivery.received_at,
    });
    expect(CANDIDATE_EXPORTED_SAMPLE).toStrictEqual({
      ...item,
      applicant_id: delivery.applicant_id,
      resume_file: null,
    });
  });
});
