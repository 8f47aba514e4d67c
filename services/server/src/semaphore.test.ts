import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('lets at most `size` run at once, the others in arrival order', async () => {
    const s = new Semaphore(2);
    const order: string[] = [];
    const gates = new Map<string, () => void>();
    const task = (name: string) =>
      s.run(async () => {
        order.push(`start ${name}`);
        await new Promise<void>((resolve) => gates.set(name, resolve));
        order.push(`end ${name}`);
        return name;
      });
    const all = ['a', 'b', 'c', 'd'].map(task);
    await tick();
    expect(order).toEqual(['start a', 'start b']);
    expect(s.state).toEqual({ held: 2, waiting: 2 });
    gates.get('b')?.();
    await tick();
    expect(order).toEqual(['start a', 'start b', 'end b', 'start c']);
    gates.get('a')?.();
    gates.get('c')?.();
    await tick();
    await tick();
    gates.get('d')?.();
    expect(await Promise.all(all)).toEqual(['a', 'b', 'c', 'd']);
    expect(s.state).toEqual({ held: 0, waiting: 0 });
  });

  it('frees the place when the holder fails', async () => {
    const s = new Semaphore(1);
    await expect(s.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await s.run(async () => 'next')).toBe('next');
    expect(s.state).toEqual({ held: 0, waiting: 0 });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses size %s', (size) => {
    expect(() => new Semaphore(size)).toThrow(RangeError);
  });
});
