import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '$lib/config';
import { PANELS } from '$lib/explorer.svelte';
import { appProps, embedQuery, parseEmbedOptions, type EmbedOptions } from './options';

describe('parseEmbedOptions', () => {
  it('reads panels, controls (field names or URL keys, any case), lock and preset', () => {
    const { options, notices } = parseEmbedOptions(
      '?panels=loss,gradient-flow&controls=RHO,gainSquared&lock=1&preset=vanishing-tanh'
    );
    expect(notices).toEqual([]);
    // Page order and table order, whatever order they were written in.
    expect(options).toEqual({
      panels: ['gradient-flow', 'loss'],
      controls: ['gainSquared', 'spectralRadius'],
      locked: true,
      preset: 'vanishing-tanh'
    });
  });

  it('gives the defaults for an empty query', () => {
    expect(parseEmbedOptions('')).toEqual({
      options: { panels: null, controls: null, locked: false, preset: null },
      notices: []
    });
  });

  it.each([
    ['lock', true],
    ['lock=', true],
    ['lock=yes', true],
    ['lock=TRUE', true],
    ['lock=0', false],
    ['lock=off', false]
  ])('reads %s as locked=%s', (query, locked) => {
    const { options, notices } = parseEmbedOptions(query);
    expect(options.locked).toBe(locked);
    expect(notices).toEqual([]);
  });

  it('drops unknown names with a notice and keeps the known ones', () => {
    const { options, notices } = parseEmbedOptions(
      'panels=loss,bogus&controls=rho,nope&lock=maybe'
    );
    expect(options.panels).toEqual(['loss']);
    expect(options.controls).toEqual(['spectralRadius']);
    expect(options.locked).toBe(false);
    expect(notices).toEqual([
      expect.stringMatching(/^Unknown panel name "bogus"; ignored \(panels: unrolled, /),
      expect.stringMatching(/^Unknown control name "nope"; ignored/),
      'lock="maybe" is not 1 or 0; the embed is not locked.'
    ]);
  });

  it('shows everything, with a notice, when no name in a list is known', () => {
    const { options, notices } = parseEmbedOptions('panels=x,y');
    expect(options.panels).toBeNull();
    expect(notices).toHaveLength(3);
    expect(notices[2]).toBe('No known panel in panels="x,y"; showing all of them.');
  });

  it('reads none and all', () => {
    expect(parseEmbedOptions('panels=none&controls=none').options).toMatchObject({
      panels: [],
      controls: []
    });
    expect(parseEmbedOptions('panels=all&controls=ALL').options).toMatchObject({
      panels: null,
      controls: null
    });
  });

  it('says which option it does not know, and refuses a preset name that is not a name', () => {
    const { options, notices } = parseEmbedOptions('foo=1&preset=<script>');
    expect(options.preset).toBeNull();
    expect(notices).toEqual([
      'Unknown embed option "foo"; ignored.',
      'preset="<script>" is not a preset name; ignored.'
    ]);
  });

  it('never throws, whatever the query', () => {
    const junk = ['%', '%E0%A4%A', '&&&', '=', 'panels=%ZZ', '?panels', 'controls=,,,', '\u0000'];
    for (const query of junk) expect(() => parseEmbedOptions(query)).not.toThrow();
  });
});

describe('embedQuery', () => {
  const cases: Partial<EmbedOptions>[] = [
    {},
    { panels: ['loss'] },
    { panels: [], controls: [] },
    { controls: ['gainSquared', 'spectralRadius'], locked: true },
    { preset: 'lstm-cell-state', panels: ['gradient-flow', 'grad-norm'] }
  ];

  it.each(cases)('round-trips %j through parseEmbedOptions', (options) => {
    const query = embedQuery(options);
    const parsed = parseEmbedOptions(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.options).toEqual({
      panels: options.panels ?? null,
      controls: options.controls ?? null,
      locked: options.locked ?? false,
      preset: options.preset ?? null
    });
  });

  it('writes readable names', () => {
    expect(
      embedQuery({ panels: ['gradient-flow', 'loss'], controls: ['spectralRadius'], locked: true })
    ).toBe('panels=gradient-flow,loss&controls=spectralRadius&lock=1');
    expect(embedQuery({})).toBe('');
  });
});

describe('appProps', () => {
  it('hides the panels not shown, and the settings panel for controls=none', () => {
    const { options } = parseEmbedOptions('panels=loss&controls=none&lock=1');
    const props = appProps(options);
    expect(props.hide).toEqual([
      ...PANELS.map((p) => p.id).filter((id) => id !== 'loss'),
      'controls'
    ]);
    expect(props.controls).toBeNull();
    expect(props.locked).toBe(true);
  });

  it('shows everything by default', () => {
    expect(appProps(parseEmbedOptions('').options)).toEqual({
      hide: [],
      controls: null,
      locked: false,
      preset: null
    });
  });

  it('passes a preset on by its id when it exists, and drops one that does not', () => {
    expect(appProps(parseEmbedOptions('preset=Vanishing-Tanh').options).preset).toBe(
      'vanishing-tanh'
    );
    expect(appProps(parseEmbedOptions('preset=nope').options).preset).toBeNull();
  });

  it('passes the chosen controls on', () => {
    const props = appProps(parseEmbedOptions('controls=T,hidden').options);
    expect(props.controls).toEqual(
      PARAMETERS.map((p) => p.key).filter((key) => key === 'hidden' || key === 'seqLength')
    );
    expect(props.hide).toEqual([]);
  });
});
