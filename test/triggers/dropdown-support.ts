/** Runs a hidden dropdown trigger through the real app, the way Zapier fills a dynamic dropdown. */
import app from '../../index';
import { API_KEY } from '../support/jazzhr';
import { appTester, type Operation } from './polling-support';

export type DropdownKey = 'applicant_list' | 'job_list' | 'user_list' | 'workflow_step_list';
export type DropdownItem = Record<string, string>;

export function runDropdown(key: DropdownKey, page = 0): Promise<DropdownItem[]> {
  // The union type also allows hook operations, which these dropdown triggers are not.
  const { perform } = app.triggers[key].operation as unknown as { perform: Operation };
  return appTester(perform, {
    authData: { api_key: API_KEY },
    meta: { page, isFillingDynamicDropdown: true },
  }) as Promise<DropdownItem[]>;
}
