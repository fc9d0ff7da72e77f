import { idCreationStamp, jazzhrIdPattern } from '../../src/jazzhr/ids';

describe('idCreationStamp', () => {
  it.each([
    ['prospect_20160512184407_MYXVB4IKB2IALSSA', '20160512184407'],
    ['job_20160513151834_OTSLF01TKSHFNRUF', '20160513151834'],
    ['prospect_2016051218440_SHORT', ''],
    ['12345', ''],
    ['', ''],
  ])('reads %j as %j', (id, stamp) => {
    expect(idCreationStamp(id)).toBe(stamp);
  });
});

describe('jazzhrIdPattern', () => {
  it.each([
    ['job', 'job_20160512181416_C2ZAFIUBO61DKFDA', true],
    ['prospect', 'prospect_20160512184407_MYXVB4IKB2IALSSA', true],
    ['job', 'prospect_20160512184407_MYXVB4IKB2IALSSA', false],
    ['job', 'job_1/page/9', false],
    ['job', 'Software Craftsman Developer', false],
    ['job', 'job_', false],
  ])('with prefix %j, %j is %j', (prefix, id, matches) => {
    expect(jazzhrIdPattern(prefix).test(id)).toBe(matches);
  });
});
