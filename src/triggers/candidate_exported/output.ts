import type { PlainOutputField } from 'zapier-platform-core';

import exportBody from '../../samples/candidate-export.body.json';
import delivery from '../../samples/candidate-export.delivery.json';
import { JAZZHR_HEADER, normaliseExport, parseCandidateExport, readHeader } from '../../webhook';
import type { CandidateExportedItem } from './steps';

const sampleRawBody = JSON.stringify(exportBody, null, 2);

/**
 * The real test candidate's export, through the same normaliser as live deliveries. Its
 * pointers are fixed values: an applicant id in JazzHR's format (the capture's own is not
 * public) and no résumé file, since the capture's attachment links expired long ago.
 */
export const CANDIDATE_EXPORTED_SAMPLE: CandidateExportedItem = {
  ...normaliseExport(parseCandidateExport(sampleRawBody), {
    uuid: readHeader(delivery.headers, JAZZHR_HEADER.uuid),
    link: readHeader(delivery.headers, JAZZHR_HEADER.link),
    rawBody: sampleRawBody,
    receivedAt: delivery.received_at,
  }),
  applicant_id: delivery.applicant_id,
  resume_file: null,
};

export const candidateExportedOutputFields = [
  { key: 'id', label: 'Export ID' },
  { key: 'export_uuid', label: 'Export UUID (X-JazzHR-UUID)' },
  { key: 'applicant_id', label: 'Applicant ID (for JazzHR actions; looked up by email when used)' },
  { key: 'candidate_id', label: 'Candidate Internal ID' },
  { key: 'first_name', label: 'First Name' },
  { key: 'last_name', label: 'Last Name' },
  { key: 'full_name', label: 'Full Name' },
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone' },
  { key: 'address_line', label: 'Street Address' },
  { key: 'city', label: 'City' },
  { key: 'state', label: 'State' },
  { key: 'postal_code', label: 'Postal Code' },
  { key: 'formatted_address', label: 'Full Address' },
  { key: 'gender', label: 'Gender' },
  { key: 'citizenship', label: 'Citizenship' },
  { key: 'apply_date', label: 'Apply Date' },
  { key: 'job_id', label: 'Job Internal ID' },
  { key: 'job_title', label: 'Job Title' },
  { key: 'job_url', label: 'Job Posting URL' },
  { key: 'application_id', label: 'Application Internal ID' },
  { key: 'status', label: 'Workflow Status' },
  { key: 'status_category', label: 'Status Category (New, Active, Hired, Not Hired)' },
  { key: 'status_changed_at', label: 'Status Changed At', type: 'datetime' },
  { key: 'education_level', label: 'Education Level' },
  { key: 'resume_file', label: 'Resume File', type: 'file' },
  { key: 'resume_file_name', label: 'Resume File Name' },
  { key: 'resume_url', label: 'Resume Link (works for 2½ hours)' },
  { key: 'attachments[]id', label: 'Attachment ID' },
  { key: 'attachments[]file_name', label: 'Attachment File Name' },
  { key: 'attachments[]url', label: 'Attachment Link (works for 2½ hours)' },
  { key: 'attachments[]expires_at', label: 'Attachment Link Expires At', type: 'datetime' },
  { key: 'profile_url', label: 'Candidate Profile URL' },
  { key: 'export_context', label: 'Export Context (X-JazzHR-Export-Context)' },
  { key: 'received_at', label: 'Received At', type: 'datetime' },
] satisfies PlainOutputField[];
