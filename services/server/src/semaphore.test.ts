import { describe, expect, it } from 'vitest';
import { ByteBudget, Semaphore } from './semaphore.js';

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

describe('ByteBudget', () => {
  it('lets takers hold at most the budget, the others in arrival order, and gives back once', async () => {
    const b = new ByteBudget(100);
    const r1 = await b.take(60);
    const order: string[] = [];
    const p2 = b.take(50).then((give) => {
      order.push('b');
      return give;
    });
    const p3 = b.take(10).then((give) => {
      order.push('c');
      return give;
    });
    await tick();
    // c would fit, but waits behind b (arrival order).
    expect(order).toEqual([]);
    expect(b.state).toEqual({ used: 60, waiting: 2 });
    r1();
    r1();
    const [r2, r3] = await Promise.all([p2, p3]);
    expect(order).toEqual(['b', 'c']);
    expect(b.state).toEqual({ used: 60, waiting: 0 });
    r2();
    r3();
    expect(b.state).toEqual({ used: 0, waiting: 0 });
  });

  it('gives a need larger than the budget all of it, once nothing is held', async () => {
    const b = new ByteBudget(100);
    const small = await b.take(1);
    let granted = false;
    const big = b.take(1_000_000).then((give) => {
      granted = true;
      return give;
    });
    await tick();
    expect(granted).toBe(false);
    small();
    const give = await big;
    expect(b.state).toEqual({ used: 100, waiting: 0 });
    give();
    expect(b.state).toEqual({ used: 0, waiting: 0 });
  });

  it.each([0, -5, 2.5])('refuses budget %s', (max) => {
    expect(() => new ByteBudget(max)).toThrow(RangeError);
  });
});
