import { describe, expect, it } from 'vitest';
import { remembered } from '../src/remembered.js';

describe('remembered', () => {
  it('computes a key once, keeps the latest max keys and forgets the oldest first', () => {
    const computed: string[] = [];
    const length = remembered((key) => {
      computed.push(key);
      return key === 'none' ? null : key.length;
    }, 2);
    expect([length('a'), length('a'), length('none'), length('none')]).toEqual([1, 1, null, null]);
    expect(computed).toEqual(['a', 'none']);
    length('bb');
    length('a');
    expect(computed).toEqual(['a', 'none', 'bb', 'a']);
  });

  it('stays bounded whatever keys callers send', () => {
    let calls = 0;
    const echo = remembered((key) => {
      calls += 1;
      return key;
    }, 100);
    for (let index = 0; index < 10_000; index += 1) echo(`k${index}`);
    echo('k9999');
    expect(calls).toBe(10_000);
    echo('k0');
    expect(calls).toBe(10_001);
  });
});
