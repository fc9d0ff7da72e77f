import app from '../../index';
import { hydrators } from '../../src/triggers/hydrators';

describe('trigger hydrators', () => {
  it('are registered in the app under their own names, the same functions', () => {
    // Pointers name a hydrator by its path in the app: a mismatch breaks every pointer.
    for (const [name, hydrator] of Object.entries(hydrators)) {
      expect(app.hydrators?.[name]).toBe(hydrator);
    }
    expect(Object.keys(hydrators).sort()).toEqual([
      'activityPeople',
      'applicantDetails',
      'hireDetails',
    ]);
  });
});
