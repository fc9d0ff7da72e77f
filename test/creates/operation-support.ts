/** Runs the create actions and searches through the real app. */
import nock from 'nock';
import { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';

import app from '../../index';
import { API_KEY, jazzhrApi } from '../support/jazzhr';

export const appTester = createAppTester(app);

type Operation = (z: ZObject, bundle: Bundle) => Promise<unknown>;
type Output = Record<string, unknown>;

export type CreateKey = 'create_applicant' | 'add_applicant_to_job' | 'create_note';

export function runCreate(
  key: CreateKey,
  inputData: Record<string, unknown>,
  apiKey: string = API_KEY,
): Promise<Output> {
  const perform = app.creates[key].operation.perform as Operation;
  return appTester(perform, { authData: { api_key: apiKey }, inputData }) as Promise<Output>;
}

export function runSearch(
  inputData: Record<string, unknown>,
  apiKey: string = API_KEY,
): Promise<Output[]> {
  const perform = app.searches.find_applicant.operation.perform as Operation;
  return appTester(perform, { authData: { api_key: apiKey }, inputData }) as Promise<Output[]>;
}

/** JazzHR POST bodies as received, in order: lets a test count writes. */
export function recordPosts(path: string, answers: nock.Body[]): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  const scope = jazzhrApi();
  for (const answer of answers) {
    scope
      .post(path, (body: Record<string, unknown>) => {
        bodies.push(body);
        return true;
      })
      .reply(200, answer);
  }
  return bodies;
}
