import { describe, expect, it } from 'vitest';
import { cacheName, precachedPath, precacheList, staleCaches } from './precache';

describe('precacheList', () => {
  it('keeps scripts, styles, wasm, woff2 fonts, static files and pages, each once, sorted', () => {
    const list = precacheList(
      [
        '/_app/immutable/entry/start.A1.js',
        '/_app/immutable/assets/0.B2.css',
        '/_app/immutable/assets/tfjs-backend-wasm-simd.C3.wasm',
        '/_app/immutable/assets/KaTeX_Main-Regular.D4.woff2',
        '/_app/immutable/assets/KaTeX_Main-Regular.D5.woff',
        '/_app/immutable/assets/KaTeX_Main-Regular.D6.ttf',
        '/_app/immutable/entry/start.A1.js'
      ],
      ['/corpus/grammar.txt', '/favicon.svg'],
      ['/', '/lab']
    );
    expect(list).toEqual([
      '/',
      '/_app/immutable/assets/0.B2.css',
      '/_app/immutable/assets/KaTeX_Main-Regular.D4.woff2',
      '/_app/immutable/assets/tfjs-backend-wasm-simd.C3.wasm',
      '/_app/immutable/entry/start.A1.js',
      '/corpus/grammar.txt',
      '/favicon.svg',
      '/lab'
    ]);
  });

  it('keeps the base path the lists carry', () => {
    expect(precacheList(['/course/x.js'], [], ['/course/'])).toEqual(['/course/', '/course/x.js']);
  });
});

describe('caches', () => {
  it('names one cache per version and finds the other versions to delete', () => {
    expect(cacheName('1700000000000')).toBe('rnn-explorer-1700000000000');
    expect(
      staleCaches(
        ['rnn-explorer-1', 'rnn-explorer-2', 'someone-elses-cache', 'rnn-explorer-3'],
        'rnn-explorer-2'
      )
    ).toEqual(['rnn-explorer-1', 'rnn-explorer-3']);
  });
});

describe('precachedPath', () => {
  const precached = new Set(['/', '/lab', '/_app/immutable/entry/start.A1.js']);
  const origin = 'http://localhost:4173';
  const at = (href: string) => precachedPath(new URL(href), origin, precached);

  it('answers a precached path, whatever its query and fragment', () => {
    expect(at('http://localhost:4173/')).toBe('/');
    expect(at('http://localhost:4173/?panels=loss#cell=lstm&T=50')).toBe('/');
    expect(at('http://localhost:4173/_app/immutable/entry/start.A1.js')).toBe(
      '/_app/immutable/entry/start.A1.js'
    );
  });

  it('leaves other paths and other origins to the network', () => {
    expect(at('http://localhost:4173/_app/version.json')).toBeNull();
    expect(at('http://localhost:4173/lab/')).toBeNull();
    expect(at('http://example.org/')).toBeNull();
  });
});
