import { afterEach, describe, expect, it, vi } from 'vitest';
import { Lagging, Offscreen } from './offscreen.svelte';

describe('Lagging', () => {
  afterEach(() => vi.useRealTimers());

  it('follows the newest value in a later task, once for a burst', async () => {
    vi.useFakeTimers();
    const lagging = new Lagging<number | null>(null);
    expect(lagging.current).toBeNull();
    lagging.set(1);
    lagging.set(2);
    lagging.set(3);
    // Not in the task that set it.
    expect(lagging.current).toBeNull();
    expect(vi.getTimerCount()).toBe(1);
    await vi.runAllTimersAsync();
    expect(lagging.current).toBe(3);
    lagging.set(4);
    expect(lagging.current).toBe(3);
    await vi.runAllTimersAsync();
    expect(lagging.current).toBe(4);
  });
});

describe('Offscreen', () => {
  it('counts every panel in view where IntersectionObserver is missing', () => {
    const offscreen = new Offscreen();
    const detach = offscreen.watch('spectrum')({} as Element);
    expect(offscreen.has('spectrum')).toBe(false);
    expect(detach).toBeUndefined();
  });

  it('follows what the observer reports, and forgets a panel no longer watched', () => {
    let report: ((entries: Partial<IntersectionObserverEntry>[]) => void) | null = null;
    const observed = new Set<Element>();
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(callback: (entries: Partial<IntersectionObserverEntry>[]) => void) {
          report = callback;
        }
        observe(node: Element) {
          observed.add(node);
        }
        unobserve(node: Element) {
          observed.delete(node);
        }
      }
    );
    try {
      const offscreen = new Offscreen();
      const spectrum = {} as Element;
      const loss = {} as Element;
      const detach = offscreen.watch('spectrum')(spectrum) as () => void;
      offscreen.watch('loss')(loss);
      expect(observed.size).toBe(2);
      report!([
        { target: spectrum, isIntersecting: false },
        { target: loss, isIntersecting: true }
      ]);
      expect(offscreen.has('spectrum')).toBe(true);
      expect(offscreen.has('loss')).toBe(false);
      report!([{ target: spectrum, isIntersecting: true }]);
      expect(offscreen.has('spectrum')).toBe(false);
      report!([{ target: spectrum, isIntersecting: false }]);
      detach();
      expect(offscreen.has('spectrum')).toBe(false);
      expect(observed.has(spectrum)).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
