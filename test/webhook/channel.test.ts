import fc from 'fast-check';

import {
  CHANNEL_MAX_LENGTH,
  channelFromIntegrationName,
  isChannel,
} from '../../src/webhook/channel';

describe('channelFromIntegrationName', () => {
  it.each([
    ['Zapier – Payroll', 'zapier-payroll'],
    ['Zapier - Payroll', 'zapier-payroll'],
    ['zapier-payroll', 'zapier-payroll'],
    ['  Phone   Screen  ', 'phone-screen'],
    ['--Hired--', 'hired'],
    ['Équipe Café (Montréal)', 'equipe-cafe-montreal'],
    ['Señor Zoë Ångström', 'senor-zoe-angstrom'],
    ['Straße Øresund Łódź', 'strasse-oresund-lodz'],
    ['Slack #recruiting / Onboarding', 'slack-recruiting-onboarding'],
    ['ＺＡＰＩＥＲ ２', 'zapier-2'],
    ['Hires_2025', 'hires-2025'],
  ])('turns %j into %j', (name, channel) => {
    expect(channelFromIntegrationName(name)).toBe(channel);
  });

  it.each(['', '   ', '– — !!!', '***', '李明', '🎉'])(
    'gives an empty channel for %j, which has no Latin letters or digits',
    (name) => {
      expect(channelFromIntegrationName(name)).toBe('');
    },
  );

  it('cuts a long name to 40 characters without leaving a dash at the end', () => {
    const cutMidWord = channelFromIntegrationName('Zapier payroll for the northern region offices');
    expect(cutMidWord).toBe('zapier-payroll-for-the-northern-region-o');
    expect(cutMidWord).toHaveLength(CHANNEL_MAX_LENGTH);
    const cutAtDash = channelFromIntegrationName('Zapier payroll for the northern regions – 2026');
    expect(cutAtDash).toBe('zapier-payroll-for-the-northern-regions');
    expect(channelFromIntegrationName('a'.repeat(39) + ' b')).toBe('a'.repeat(39));
  });

  it('always gives a valid channel or an empty one, whatever the name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (name) => {
        const channel = channelFromIntegrationName(name);
        expect(channel === '' || isChannel(channel)).toBe(true);
        expect(channelFromIntegrationName(channel)).toBe(channel);
      }),
    );
  });
});

describe('isChannel', () => {
  it.each(['a', '0', 'zapier-payroll', 'a-b-c', 'x'.repeat(40), '2026-hires'])(
    'accepts %j',
    (value) => {
      expect(isChannel(value)).toBe(true);
    },
  );

  it.each([
    '',
    '-a',
    'a-',
    '-',
    'A',
    'Zapier',
    'a_b',
    'a b',
    'a.b',
    'é',
    'x'.repeat(41),
    'a/b',
    '%61',
  ])('rejects %j', (value) => {
    expect(isChannel(value)).toBe(false);
  });

  it('rejects what is not a string', () => {
    expect(isChannel(undefined)).toBe(false);
    expect(isChannel(7)).toBe(false);
  });
});
