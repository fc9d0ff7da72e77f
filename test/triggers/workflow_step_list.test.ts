import workflows from '../fixtures/jazzhr/workflows.list.synthetic.json';
import { API_KEY, jazzhrApi } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { runDropdown } from './dropdown-support';

installNockGuards();

describe('workflow_step_list trigger', () => {
  it('lists every step as "Workflow › Step", keyed on step ids', async () => {
    jazzhrApi().get('/v1/workflows/page/1').query({ apikey: API_KEY }).reply(200, workflows);
    const items = await runDropdown('workflow_step_list');
    expect(items.map((item) => [item.id, item.name])).toEqual([
      ['1201', 'Default Hiring Workflow › New'],
      ['1202', 'Default Hiring Workflow › Phone Screen'],
      ['1203', 'Default Hiring Workflow › Interview'],
      ['1204', 'Default Hiring Workflow › Offer'],
      ['1205', 'Default Hiring Workflow › Hired'],
      ['1310', 'Engineering › Technical Interview'],
    ]);
    expect(items[5]).toMatchObject({
      workflow_id: 'workflow_20170102090000_ENGINEERING00002',
      step_name: 'Technical Interview',
    });
  });

  it('orders steps by their position, skips steps without an id and repeated ids, and names unnamed ones', async () => {
    jazzhrApi()
      .get('/v1/workflows/page/1')
      .query(true)
      .reply(200, {
        id: 'workflow_1',
        steps: [
          { id: 20, name: 'Offer', order: 2 },
          { id: 10, name: 'Applied', order: 1 },
          { name: 'No id' },
          { id: 10, name: 'Duplicate', order: 3 },
          { id: 30 },
        ],
      });
    expect((await runDropdown('workflow_step_list')).map((item) => item.name)).toEqual([
      'Workflow › Applied',
      'Workflow › Offer',
      'Workflow › Step 30',
    ]);
  });

  it('gathers steps listed flat, one record each, under their workflow in step order', async () => {
    const step = (id: string, name: string, number: string) => ({
      workflow_id: 'workflow_1',
      workflow_name: 'Sales',
      workflow_step_id: id,
      workflow_step_name: name,
      number,
    });
    jazzhrApi()
      .get('/v1/workflows/page/1')
      .query(true)
      .reply(200, [
        step('12345679', 'Offer', '2'),
        step('12345678', 'Applied', '1'),
        { ...step('22345678', 'New', '1'), workflow_id: 'workflow_2', workflow_name: 'Care' },
      ]);
    expect(
      (await runDropdown('workflow_step_list')).map((item) => [
        item.id,
        item.name,
        item.workflow_id,
      ]),
    ).toEqual([
      ['12345678', 'Sales › Applied', 'workflow_1'],
      ['12345679', 'Sales › Offer', 'workflow_1'],
      ['22345678', 'Care › New', 'workflow_2'],
    ]);
  });
});
