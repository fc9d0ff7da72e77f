import zapier from 'zapier-platform-core';

import app from '../index';

describe('app definition', () => {
  it('declares the core version it is built with', () => {
    expect(app.platformVersion).toBe(zapier.version);
  });
});
