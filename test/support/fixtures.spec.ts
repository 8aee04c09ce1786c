import { eventually } from './fixtures';

describe('eventually', () => {
  it('returns the first value accepted', async () => {
    let n = 0;
    await expect(eventually(async () => ++n, (value) => value >= 3, 2_000, 1)).resolves.toBe(3);
  });

  it('rejects when time runs out, saying what it waited for and the last value it read', async () => {
    let n = 0;
    const waited = eventually(async () => ({ status: 'open', reads: ++n }), (value) => value.status === 'closed', { timeoutMs: 50, everyMs: 5, description: 'the milestone to close' });
    await expect(waited).rejects.toThrow(/the milestone to close/);
    await expect(waited).rejects.toThrow(/"status":"open","reads":\d+/);
  });

  it('rejects on time out even when called with a bare timeout, with the last value in the message', async () => {
    await expect(eventually(async () => false, Boolean, 30, 5)).rejects.toThrow(/last value: false/);
  });

  it('keeps reading while `read` throws, and reports the last error when time runs out', async () => {
    let n = 0;
    const waited = eventually(
      async () => {
        throw new Error(`not found (attempt ${++n})`);
      },
      () => true,
      { timeoutMs: 50, everyMs: 5, description: 'the workflow to exist' },
    );
    await expect(waited).rejects.toThrow(/the workflow to exist/);
    await expect(waited).rejects.toThrow(/last error: Error: not found \(attempt \d+\)/);
    expect(n).toBeGreaterThan(1);
  });

  it('reports the last value read before a read that threw, when time runs out on an error', async () => {
    let n = 0;
    const read = async () => {
      if (++n > 2) throw new Error('query timed out');
      return { status: 'open' };
    };
    const waited = eventually(read, (value) => value.status === 'closed', { timeoutMs: 50, everyMs: 5 });
    await expect(waited).rejects.toThrow(/last error: Error: query timed out; last value \(\d+ s before\): \{"status":"open"\}/);
  });

  it('accepts a value once `read` stops throwing', async () => {
    let n = 0;
    const read = async () => {
      if (++n < 3) throw new Error('not yet');
      return n;
    };
    await expect(eventually(read, () => true, { timeoutMs: 2_000, everyMs: 1 })).resolves.toBe(3);
  });

  it('truncates a long last value', async () => {
    const waited = eventually(async () => 'x'.repeat(10_000), () => false, 20, 5);
    await expect(waited).rejects.toThrow(/…/);
    const message = await waited.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message.length).toBeLessThan(2_000);
  });
});
