import { createJsonLogger, errorFields, silentLogger } from '../../src/relay/logger';

describe('createJsonLogger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const lines: string[] = [];
    const logger = createJsonLogger(
      (line) => lines.push(line),
      () => Date.parse('2024-05-01T12:00:00Z'),
    );
    logger.info('export received', { export_uuid: 'u-1', deliveries: 2 });
    logger.warn('ingest rejected', { reason: 'mismatch' });
    logger.error('request failed');
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(
      true,
    );
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        time: '2024-05-01T12:00:00.000Z',
        level: 'info',
        msg: 'export received',
        export_uuid: 'u-1',
        deliveries: 2,
      },
      {
        time: '2024-05-01T12:00:00.000Z',
        level: 'warn',
        msg: 'ingest rejected',
        reason: 'mismatch',
      },
      { time: '2024-05-01T12:00:00.000Z', level: 'error', msg: 'request failed' },
    ]);
  });

  it('writes to stdout by default', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      createJsonLogger().info('hello');
      expect(JSON.parse(String(write.mock.calls[0]![0]))).toMatchObject({
        level: 'info',
        msg: 'hello',
      });
    } finally {
      write.mockRestore();
    }
    expect(() => silentLogger.info('nothing')).not.toThrow();
  });
});

describe('errorFields', () => {
  it('keeps an error’s name and code and never its message', () => {
    const driverError = Object.assign(new Error('duplicate key value (secret)=(s3cr3t)'), {
      code: '23505',
    });
    expect(errorFields(driverError)).toEqual({ error_name: 'Error', error_code: '23505' });
    expect(JSON.stringify(errorFields(driverError))).not.toContain('s3cr3t');
    expect(errorFields('just text')).toEqual({ error_name: 'string', error_code: null });
    expect(errorFields({ name: '', code: 7 })).toEqual({ error_name: 'object', error_code: null });
  });
});
