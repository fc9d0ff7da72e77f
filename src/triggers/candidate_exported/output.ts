import type { PlainOutputField } from 'zapier-platform-core';

import sample from '../../samples/candidate-export.item.json';
import type { CandidateExportedItem } from './steps';

/**
 * The real test candidate's export (samples/candidate-export.body.json, delivered with the
 * headers in candidate-export.delivery.json) as the normaliser turns it into an item; a test
 * rebuilds it through the normaliser and fails if this file ever differs. Stored rather than
 * built at load, which would put a parse and a normalise on every cold start. Its pointers
 * are fixed values: an applicant id in JazzHR's format (the capture's own is not public) and
 * no résumé file, since the capture's attachment links expired long ago.
 */
export const CANDIDATE_EXPORTED_SAMPLE: CandidateExportedItem = sample;

export const candidateExportedOutputFields = [
  { key: 'id', label: 'Export ID' },
  { key: 'export_uuid', label: 'Export UUID (X-JazzHR-UUID)' },
  { key: 'applicant_id', label: 'Applicant ID (For JazzHR Actions, Looked Up by Email When Used)' },
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
  { key: 'resume_url', label: 'Resume Link (Works for 2½ Hours)' },
  { key: 'attachments[]id', label: 'Attachment ID' },
  { key: 'attachments[]file_name', label: 'Attachment File Name' },
  { key: 'attachments[]url', label: 'Attachment Link (Works for 2½ Hours)' },
  { key: 'attachments[]expires_at', label: 'Attachment Link Expires At', type: 'datetime' },
  { key: 'profile_url', label: 'Candidate Profile URL' },
  { key: 'export_context', label: 'Export Context (X-JazzHR-Export-Context)' },
  { key: 'received_at', label: 'Received At', type: 'datetime' },
] satisfies PlainOutputField[];
