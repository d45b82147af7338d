import { describe, expect, it } from 'vitest';
import { parseEmbedOptions } from './options';
import { elementSnippet, embedUrl, escapeAttribute, iframeSnippet, shareLink } from './snippets';

const ROOT = 'https://explorer.example/course/';

describe('shareLink', () => {
  it('puts the config hash on the page address, replacing an older one', () => {
    expect(shareLink('https://explorer.example/#cell=gru', 'cell=lstm&T=50')).toBe(
      'https://explorer.example/#cell=lstm&T=50'
    );
    expect(shareLink('https://explorer.example/#cell=gru', '')).toBe('https://explorer.example/');
  });
});

describe('embedUrl', () => {
  it('adds the options as a query and the config as the hash', () => {
    const url = embedUrl(ROOT, 'rho=0.9&T=50', {
      panels: ['gradient-flow', 'loss'],
      controls: ['spectralRadius'],
      locked: true
    });
    expect(url).toBe(
      'https://explorer.example/course/embed?panels=gradient-flow,loss&controls=spectralRadius&lock=1#rho=0.9&T=50'
    );
    // What the embed reads back from it is what was chosen.
    const parsed = new URL(url);
    expect(parseEmbedOptions(parsed.search).options).toEqual({
      panels: ['gradient-flow', 'loss'],
      controls: ['spectralRadius'],
      locked: true,
      preset: null
    });
    expect(parsed.hash).toBe('#rho=0.9&T=50');
  });

  it('is the bare embed for the defaults', () => {
    expect(embedUrl(ROOT, '', {})).toBe('https://explorer.example/course/embed');
  });
});

describe('snippets', () => {
  it('escapes attribute values', () => {
    expect(escapeAttribute('a&b"<c>')).toBe('a&amp;b&quot;&lt;c&gt;');
  });

  it('makes an iframe whose src reads back as the embed address', () => {
    const src = embedUrl(ROOT, 'cell=lstm&T=50', { panels: ['loss'], locked: true });
    const html = iframeSnippet(src);
    expect(html).toBe(
      '<iframe src="https://explorer.example/course/embed?panels=loss&amp;lock=1#cell=lstm&amp;T=50" ' +
        'title="RNN Explorer" width="100%" height="720" style="border: 0" loading="lazy"></iframe>'
    );
    const attribute = /src="([^"]*)"/.exec(html)![1].replaceAll('&amp;', '&');
    expect(attribute).toBe(src);
  });

  it('makes the element with its script, only the attributes chosen', () => {
    expect(
      elementSnippet(ROOT, 'cell=lstm&T=50', {
        panels: ['gradient-flow'],
        controls: ['forgetBias', 'seqLength'],
        locked: true
      })
    ).toBe(
      '<script src="https://explorer.example/course/rnn-explorer.js" defer></script>\n' +
        '<rnn-explorer config="cell=lstm&amp;T=50" panels="gradient-flow" ' +
        'controls="forgetBias,seqLength" lock></rnn-explorer>'
    );
    expect(elementSnippet(ROOT, '', { controls: [], panels: [] })).toContain(
      '<rnn-explorer panels="none" controls="none"></rnn-explorer>'
    );
  });
});
