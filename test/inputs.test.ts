import { createAppTester, type ZObject } from 'zapier-platform-core';
import zapier from 'zapier-platform-core';
import { z as zod } from 'zod';

import { optionalText, parseInput, requiredEmail } from '../src/inputs';
import { failureOf, userMessage } from './support/jazzhr';

const appTester = createAppTester({ version: '1.0.0', platformVersion: zapier.version });

function parse(schema: zod.ZodType, inputData: unknown) {
  return appTester((z: ZObject) =>
    Promise.resolve(parseInput(z, schema, inputData, [{ key: 'email', label: 'Email' }])),
  );
}

describe('parseInput', () => {
  it('treats blanks as missing and trims the rest', async () => {
    const schema = zod.object({ email: requiredEmail, note: optionalText });
    await expect(parse(schema, { email: ' a@b.co ', note: '   ' })).resolves.toEqual({
      email: 'a@b.co',
    });
  });

  it('names fields by label, falling back to the key, and reports each problem once', async () => {
    const schema = zod.object({ email: requiredEmail, other: zod.string() });
    const error = await failureOf(parse(schema, { email: 42 }));
    expect(userMessage(error)).toBe(
      'Email: is not a valid email address. Enter one like jane.doe@example.com. other: Invalid input: expected string, received undefined',
    );
    expect(JSON.parse(error.message)).toMatchObject({ code: 'invalid_input', status: 400 });
  });
});
