import nock from 'nock';

import app from '../../index';
import { ANONYMOUS_USER, SECURITY_CODES } from '../../src/creates/create_note';
import sample from '../../src/samples/note.json';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { recordPosts, runCreate } from './operation-support';

installNockGuards();

const INPUT = {
  applicant_id: sample.applicant_id,
  contents: sample.contents,
  user_id: sample.user_id,
  visibility: 'everyone',
};

function noteAnswer(body: nock.Body, status = 200) {
  jazzhrApi().post('/v1/notes').reply(status, body);
}

describe('create_note', () => {
  it('maps visibility to the (unconfirmed) security codes in one place', () => {
    expect(SECURITY_CODES).toEqual({ everyone: '1', private: '0' });
    const fields = app.creates.create_note.operation.inputFields as {
      key: string;
      dynamic?: string;
      search?: string;
    }[];
    expect(fields.find((field) => field.key === 'user_id')?.dynamic).toBe('user_list.id.name');
    expect(fields.find((field) => field.key === 'applicant_id')).toMatchObject({
      dynamic: 'applicant_list.id.name',
      search: 'find_applicant.id',
    });
  });

  it('posts the note and returns its id with what was sent', async () => {
    const posts = recordPosts('/v1/notes', [{ comment_id: sample.id }]);
    const result = await runCreate('create_note', INPUT);
    expect(posts).toEqual([
      {
        apikey: API_KEY,
        applicant_id: sample.applicant_id,
        user_id: sample.user_id,
        contents: sample.contents,
        security: '1',
      },
    ]);
    expect(result).toEqual(sample);
  });

  it('posts anonymously when no author is chosen, and privately when asked', async () => {
    const posts = recordPosts('/v1/notes', [[{ comment_id: sample.id }]]);
    const result = await runCreate('create_note', {
      ...INPUT,
      user_id: '  ',
      visibility: 'private',
    });
    expect(posts[0]).toMatchObject({ user_id: ANONYMOUS_USER, security: '0' });
    expect(result).toMatchObject({
      user_id: 'usr_anonymous',
      visibility: 'private',
      id: sample.id,
    });
  });

  it('defaults to everyone when visibility is left empty', async () => {
    const posts = recordPosts('/v1/notes', [{ id: 'comment_1' }]);
    const result = await runCreate('create_note', { ...INPUT, visibility: '' });
    expect(posts[0]?.security).toBe('1');
    expect(result.id).toBe('comment_1');
  });
});

describe('create_note errors', () => {
  it('names every field to fix and calls nothing', async () => {
    const error = await failureOf(
      runCreate('create_note', {
        applicant_id: 'Grace Hopper',
        contents: '',
        user_id: 'grace@example.com',
        visibility: 'team',
      }),
    );
    const message = userMessage(error);
    expect(message).toMatch(/Applicant: must be a JazzHR applicant ID/);
    expect(message).toMatch(/Note: is required/);
    expect(message).toMatch(/Author: must be a JazzHR user ID/);
    expect(message).toMatch(/Who Can See It: must be "everyone" or "private"/);
  });

  it('reports an _error in a 200 answer, without the key', async () => {
    noteAnswer({ _error: 'Applicant not found' });
    const error = await failureOf(runCreate('create_note', INPUT));
    expect(userMessage(error)).toMatch(/Applicant not found/);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('reports an empty answer instead of inventing a note id', async () => {
    noteAnswer([]);
    const error = await failureOf(runCreate('create_note', INPUT));
    expect(userMessage(error)).toMatch(/empty answer/);
  });

  it('asks to reconnect when the key is rejected, without echoing it', async () => {
    noteAnswer({ error: 'Invalid API key' }, 401);
    const error = await failureOf(runCreate('create_note', INPUT));
    expect(error.name).toBe('ExpiredAuthError');
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('retries later on a 429 (JazzHR did not take the note)', async () => {
    noteAnswer('', 429);
    const error = await failureOf(runCreate('create_note', INPUT));
    expect(error.name).toBe('ThrottledError');
  });

  it('does not retry by itself when JazzHR fails mid-write: a replay could duplicate the note', async () => {
    noteAnswer('Service Unavailable', 503);
    const error = await failureOf(runCreate('create_note', INPUT));
    expect(error.name).not.toBe('ThrottledError');
    expect(userMessage(error)).toMatch(/check JazzHR before replaying/);
  });
});
