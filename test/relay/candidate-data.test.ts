/**
 * Candidates' data through the relay's HTTP interface and its retention sweep: erase requests,
 * retention, and what a copy of the SQLite files would give away.
 */
import { RetentionSweeper } from '../../src/relay/retention';
import { silentLogger } from '../../src/relay/logger';
import { FakeClock } from './support/clock';
import { createSqliteDatabase } from './support/databases';
import { EXPORT_BODY, jazzhrHeaders, relayForEachTest } from './support/relay';
import { OTHER_VALID_API_KEY, VALID_API_KEY } from './support/servers';

const DAY = 24 * 60 * 60_000;
/** The fixture candidate's name, as it appears in the export's body. */
const CANDIDATE = 'Kenny JazzHR';

describe("candidates' data", () => {
  const setup = relayForEachTest(createSqliteDatabase, { defaultKey: VALID_API_KEY });
  const { t, target } = setup;

  async function connectWithExport(uuid: string) {
    const connection = await t.connect();
    const subscribed = await t.api('POST', '/v1/subscriptions', {
      json: { connection_id: connection.id, target_url: `${target.url}/hooks/standard/1/c/` },
    });
    const ingested = await t.ingest(
      connection.id,
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, connection.secret, uuid),
    );
    expect(ingested.status).toBe(200);
    return { connection, subscription: subscribed.body };
  }

  const fileText = () => Buffer.concat(setup.database.files!());

  it('keeps the candidate and every secret out of the database files', async () => {
    const { connection, subscription } = await connectWithExport('at-rest');
    await t.drain();
    expect(target.received).toHaveLength(1);
    expect(EXPORT_BODY.includes(Buffer.from(CANDIDATE))).toBe(true);
    for (const text of [CANDIDATE, connection.secret, subscription.secret, 'app.jazz.co']) {
      expect([text, fileText().includes(text)]).toEqual([text, false]);
    }
  });

  it('erases one export on request: gone from the list and from the deliveries', async () => {
    const { connection } = await connectWithExport('to-erase');
    await t.ingest(
      connection.id,
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, connection.secret, 'kept'),
    );
    const path = `/v1/connections/${connection.id}/exports/to-erase`;
    expect((await t.api('DELETE', path, { key: OTHER_VALID_API_KEY })).status).toBe(404);
    expect(await t.api('DELETE', path)).toEqual({ status: 204, body: undefined });
    expect((await t.api('DELETE', path)).status).toBe(404);
    const listed = await t.api('GET', `/v1/connections/${connection.id}/exports`);
    expect(listed.body.exports.map((item: { uuid: string }) => item.uuid)).toEqual(['kept']);
    const deliveries = await t.api('GET', `/v1/connections/${connection.id}/deliveries`);
    expect(
      deliveries.body.deliveries.map((item: { export_uuid: string }) => item.export_uuid),
    ).toEqual(['kept']);
  });

  describe('erasing one candidate', () => {
    const EMAIL = 'kenny.jazzhr@jazzhr.com';
    const OTHER_EMAIL = 'ada.other@example.com';
    const otherCandidate = Buffer.from(
      EXPORT_BODY.toString('utf8').replace(EMAIL, OTHER_EMAIL).replaceAll('39011522', '55501'),
    );

    async function connectionWithTwoCandidates() {
      const { connection } = await connectWithExport('kenny-1');
      for (const [uuid, body] of [
        ['kenny-2', EXPORT_BODY],
        ['ada-1', otherCandidate],
      ] as const) {
        const ingested = await t.ingest(
          connection.id,
          body,
          jazzhrHeaders(body, connection.secret, uuid),
        );
        expect(ingested.status).toBe(200);
      }
      return connection;
    }

    const listedUuids = async (connectionId: string) =>
      (await t.api('GET', `/v1/connections/${connectionId}/exports?limit=10`)).body.exports
        .map((item: { uuid: string }) => item.uuid)
        .sort();

    it('erases every export of the candidate named by email, and the email is never kept or logged', async () => {
      const connection = await connectionWithTwoCandidates();
      await t.drain();
      const path = `/v1/connections/${connection.id}/erase-candidate`;
      const asked = { json: { email: '  Kenny.JazzHR@JazzHR.com ' } };
      expect((await t.api('POST', path, { ...asked, key: OTHER_VALID_API_KEY })).status).toBe(404);
      expect(await t.api('POST', path, asked)).toEqual({ status: 200, body: { erased: 2 } });
      expect(await listedUuids(connection.id)).toEqual(['ada-1']);
      expect(await t.api('POST', path, asked)).toEqual({ status: 200, body: { erased: 0 } });

      const files = fileText();
      expect(files.includes('kenny-1')).toBe(false);
      expect(files.includes('kenny-2')).toBe(false);
      expect(files.includes('ada-1')).toBe(true);
      const logs = t.logs.join('');
      expect(logs).toContain('"msg":"candidate erased"');
      for (const text of [EMAIL, 'Kenny.JazzHR', OTHER_EMAIL]) {
        expect([
          text,
          files.includes(text),
          logs.toLowerCase().includes(text.toLowerCase()),
        ]).toEqual([text, false, false]);
      }
    });

    it("erases by JazzHR's person id", async () => {
      const connection = await connectionWithTwoCandidates();
      const erased = await t.api('POST', `/v1/connections/${connection.id}/erase-candidate`, {
        json: { candidate_id: '55501' },
      });
      expect(erased).toEqual({ status: 200, body: { erased: 1 } });
      expect(await listedUuids(connection.id)).toEqual(['kenny-1', 'kenny-2']);
    });

    it.each([
      [{}, 'exactly one of email and candidate_id'],
      [{ email: EMAIL, candidate_id: '39011522' }, 'exactly one of email and candidate_id'],
      [{ email: '   ' }, 'email must not be empty'],
      [{ candidate_id: 39011522 }, 'candidate_id must be'],
      [{ emial: EMAIL }, 'emial'],
      [[EMAIL], 'a JSON object with email or candidate_id'],
    ])('refuses %j with a 400 naming the field', async (json, message) => {
      const connection = await connectionWithTwoCandidates();
      const refused = await t.api('POST', `/v1/connections/${connection.id}/erase-candidate`, {
        json,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain(message);
      expect(refused.body.error.message).not.toContain(EMAIL);
      expect(await listedUuids(connection.id)).toEqual(['ada-1', 'kenny-1', 'kenny-2']);
    });
  });

  it('erases a connection on its holder’s request, with everything it held', async () => {
    const { connection } = await connectWithExport('whole-connection');
    expect(
      (await t.api('DELETE', `/v1/connections/${connection.id}`, { key: OTHER_VALID_API_KEY }))
        .status,
    ).toBe(404);
    expect((await t.api('DELETE', `/v1/connections/${connection.id}`)).status).toBe(204);
    for (const table of ['connections', 'subscriptions', 'exports', 'deliveries']) {
      const column = table === 'connections' ? 'id' : 'connection_id';
      const rows = await setup.database.query(
        `SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = '${connection.id}'`,
      );
      expect([table, rows]).toEqual([table, [{ n: 0 }]]);
    }
    const late = await t.ingest(
      connection.id,
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, connection.secret, 'after-erase'),
    );
    expect(late.status).toBe(404);
    expect(t.logs.join('')).toContain('"msg":"connection erased"');
  });

  it('erases bodies past RELAY_RETENTION_DAYS in batches, and refuses to retry what was erased', async () => {
    const { connection } = await connectWithExport('old-1');
    for (const uuid of ['old-2', 'old-3']) {
      await t.ingest(
        connection.id,
        EXPORT_BODY,
        jazzhrHeaders(EXPORT_BODY, connection.secret, uuid),
      );
    }
    await t.drain();
    t.clock.advance(DAY);
    await t.ingest(
      connection.id,
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, connection.secret, 'new'),
    );
    const logs: string[] = [];
    const sweeper = new RetentionSweeper({
      store: setup.store,
      clock: t.clock,
      logger: {
        ...silentLogger,
        info: (message, fields) => logs.push(`${message} ${JSON.stringify(fields)}`),
      },
      retentionMs: 0.5 * DAY,
      batchSize: 2,
    });
    expect(await sweeper.sweep()).toBe(3);
    expect(logs).toEqual([expect.stringContaining('"exports":3')]);
    expect(await sweeper.sweep()).toBe(0);

    const listed = await t.api('GET', `/v1/connections/${connection.id}/exports?limit=10`);
    expect(listed.body.exports.map((item: { uuid: string }) => item.uuid)).toEqual(['new']);
    const { body } = await t.api(
      'GET',
      `/v1/connections/${connection.id}/deliveries?status=delivered`,
    );
    expect(body.deliveries).toHaveLength(3);
    const retry = await t.api('POST', `/v1/deliveries/${body.deliveries[0].id}/retry`);
    expect(retry.status).toBe(400);
    expect(retry.body.error.message).toContain('erased');
  });
});

describe('RetentionSweeper', () => {
  it('sweeps on its own at start, then on its interval, logging a failed sweep and carrying on', async () => {
    const calls: number[] = [];
    const errors: string[] = [];
    let fail = true;
    const sweeper = new RetentionSweeper({
      store: {
        eraseExpiredExports: async ({ receivedBefore }) => {
          calls.push(receivedBefore);
          if (fail) {
            fail = false;
            throw new Error('disk full');
          }
          return 0;
        },
      },
      clock: new FakeClock(1_000_000),
      logger: { ...silentLogger, error: (message) => errors.push(message) },
      retentionMs: 1_000,
      intervalMs: 20,
    });
    sweeper.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sweeper.stop();
    const count = calls.length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(calls[0]).toBe(999_000);
    expect(errors).toEqual(['retention sweep failed']);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toHaveLength(count);
  });
});
